"""Hand-written WHATWG parser vs ada-url behind ``normalize_url``: same answers? which is faster?

    python3 -m uv run python bench/url_bench.py

``normalize_url`` keeps its thin rules (http(s) only, fragment dropped, the length cap) and its
fast paths and caches; only the parser behind them (``urls._normalize_uncached``) is swapped.
Reports, on this machine and in CPU seconds (``time.process_time``):

* agreement over the cases of tests/audits/engine/test_urls.py and every href of the engine
  fixtures resolved against their page URL;
* the parser alone, uncached, over those URLs (x200);
* ``normalize_url`` end to end over a synthetic 100,000-link crawl (links of 2,000 pages of one
  site: navigation repeated on every page, relative and absolute links, queries, non-ASCII,
  dot segments, external hosts), caches cleared first.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import ada_url  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from audits.engine import urls  # noqa: E402
from tests.audits.engine import test_urls  # noqa: E402
from tests.audits.engine.test_facts import FIXTURES, page_url  # noqa: E402

HAND_WRITTEN = urls._normalize_uncached


def ada_uncached(url: str, base: str | None):
    """The same contract as ``urls._normalize_uncached``, parsed by ada (WHATWG URL, C++)."""
    try:
        href = ada_url.join_url(base, url) if base else ada_url.normalize_url(url)
    except ValueError:
        return None
    if not href.startswith(("http://", "https://")):
        return None
    href = href.partition("#")[0]
    return urls._TOO_LONG if len(href) > urls.MAX_URL_CHARS else href


def use(parser) -> None:
    urls._normalize_uncached = parser
    urls._normalize_cached.cache_clear()
    for cached in (urls._base_parts_cached, urls._base_origin_cached):
        cached.cache_clear()


def cases() -> list[tuple[str, str | None]]:
    base = test_urls.BASE
    found = []
    for function in (
        test_urls.test_normalize_url_resolves_like_a_browser,
        test_urls.test_normalize_url_returns_none_for_what_is_not_a_web_url,
    ):
        for mark in function.pytestmark:
            for case in mark.args[1]:
                found.append((case[0] if isinstance(case, tuple) else case, base))
    for path in sorted(FIXTURES.glob("*.html")):
        tree = LexborHTMLParser(path.read_bytes().decode("utf-8", "replace"))
        for node in tree.css("a, link, img, area, base"):
            for name in ("href", "src"):
                value = node.attributes.get(name)
                if value is not None:
                    found.append((value, page_url(path.name)))
    return found


def workload(links: int = 100_000, pages: int = 2_000) -> list[tuple[str, str]]:
    rng = random.Random(9)
    site = "https://www.shop.example"
    navigation = [f"/{section}/" for section in ("", "shop", "blog", "about", "contact")] + [
        "/category/shoes?sort=price",
        "/cart",
        "https://www.shop.example/account",
    ]
    kinds = [
        lambda p: f"/product/{rng.randrange(5000)}",
        lambda p: f"product-{rng.randrange(5000)}.html",
        lambda p: f"../tag/{rng.choice(['zomer', 'winter', 'sale'])}/",
        lambda p: f"{site}/blog/{rng.randrange(800)}/?utm_source=nav#top",
        lambda p: f"/zoek?q={rng.choice(['schoenen', 'café crème', 'straße', 'a b'])}",
        lambda p: f"https://partner{rng.randrange(40)}.example/p/{rng.randrange(100)}",
        lambda p: "./a/../b/./c",
        lambda p: f"/Bücher/{rng.randrange(100)}",
        lambda p: "#reviews",
        lambda p: "mailto:sales@shop.example",
    ]
    result = []
    while len(result) < links:
        page = f"{site}/product/{len(result) // 50 % pages}/"
        result.extend((href, page) for href in navigation)
        result.extend((rng.choice(kinds)(page), page) for _ in range(42))
    return result[:links]


def cpu(function, *args) -> float:
    started = time.process_time()
    function(*args)
    return time.process_time() - started


def main() -> None:
    found = cases()
    use(HAND_WRITTEN)
    mine = [urls.normalize_url(url, base=base) for url, base in found]
    use(ada_uncached)
    theirs = [urls.normalize_url(url, base=base) for url, base in found]
    differ = [(c, a, b) for c, a, b in zip(found, mine, theirs, strict=True) if a != b]
    print(f"agreement: {len(found) - len(differ)}/{len(found)} URLs give the same answer")
    for (url, base), a, b in differ:
        print(f"  {url!r} on {base}: hand-written {a!r}, ada {b!r}")

    def parse_all(parser) -> None:
        for _ in range(200):
            for url, base in found:
                parser(url, base)

    links = workload()

    def crawl() -> None:
        for url, base in links:
            urls.normalize_url(url, base=base)

    print(f"parser alone, {len(found) * 200:,} URLs, uncached (CPU s, best of 5):")
    for name, parser in (("hand-written", HAND_WRITTEN), ("ada-url", ada_uncached)):
        print(f"  {name:13} {min(cpu(parse_all, parser) for _ in range(5)):.3f}")
    print(f"normalize_url over {len(links):,} links of a crawl, caches cleared (CPU s, best of 5):")
    for name, parser in (("hand-written", HAND_WRITTEN), ("ada-url", ada_uncached)):
        timings = []
        for _ in range(5):
            use(parser)
            timings.append(cpu(crawl))
        print(f"  {name:13} {min(timings):.3f}")
    use(HAND_WRITTEN)


if __name__ == "__main__":
    main()
