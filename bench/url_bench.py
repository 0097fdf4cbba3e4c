"""``audits.engine.urls`` on ada-url vs the hand-written WHATWG parser it replaced: same answers?
which is faster?

    python3 -m uv run python bench/url_bench.py

The hand-written module is read from git (``audits/engine/urls.py`` at :data:`HAND_WRITTEN_AT`,
the last commit that had it) and imported under another name, so it lives only here. Both
modules keep the same thin rules (http(s) only, fragment dropped, the length cap), fast paths
and bounded caches; each is measured through its own functions. Reports, on this machine and
in CPU seconds (``time.process_time``, best of 9, the two modules taking turns):

* agreement over the cases of tests/audits/engine/test_urls.py and every href of the engine
  fixtures resolved against their page URL;
* the parser alone (``_normalize_uncached``, the per-link cache bypassed) over those URLs (x200);
* ``normalize_url`` end to end over a synthetic 100,000-link crawl (links of 2,000 pages of one
  site: navigation repeated on every page, relative and absolute links, queries, non-ASCII,
  dot segments, external hosts), caches cleared first;
* ``url_host`` over the web URLs those links resolve to (scope checks ask it about each);
* 20,000 relative links under a 100 KB ``<base>`` (a hostile page).
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from audits.engine import urls  # noqa: E402
from tests.audits.engine import test_urls  # noqa: E402
from tests.audits.engine.test_facts import FIXTURES, page_url  # noqa: E402

HAND_WRITTEN_AT = "3de569c"  # "ada-url becomes a runtime dependency", before the switch


def hand_written_module() -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{HAND_WRITTEN_AT}:audits/engine/urls.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("hand_written_urls")
    exec(compile(source, "hand_written_urls.py", "exec"), module.__dict__)  # noqa: S102
    return module


def clear_caches(module: types.ModuleType) -> None:
    for name in dir(module):
        cache_clear = getattr(getattr(module, name), "cache_clear", None)
        if cache_clear is not None:
            cache_clear()
    module._long_base = None


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


def best_cpu(modules, function, rounds: int = 9) -> list[float]:
    """Best CPU time of ``function(module)`` for each module, the modules taking turns so that
    load from other work falls on both alike."""
    timings: list[list[float]] = [[] for _ in modules]
    for _ in range(rounds):
        for index, module in enumerate(modules):
            clear_caches(module)
            started = time.process_time()
            function(module)
            timings[index].append(time.process_time() - started)
    return [min(each) for each in timings]


def main() -> None:
    old = hand_written_module()
    modules = (("hand-written", old), ("ada-url", urls))
    found = cases()
    answers = {
        name: [module.normalize_url(url, base=base) for url, base in found]
        for name, module in modules
    }
    differ = [
        (case, a, b)
        for case, a, b in zip(found, answers["hand-written"], answers["ada-url"], strict=True)
        if a != b
    ]
    print(f"agreement: {len(found) - len(differ)}/{len(found)} URLs give the same answer")
    for (url, base), a, b in differ:
        print(f"  {url!r} on {base}: hand-written {a!r}, ada {b!r}")

    links = workload()
    resolved = [url for href, base in links if (url := urls.normalize_url(href, base=base))]
    long_base = "https://www.example.com/" + "A" * 100_000 + "/"
    measurements = {
        f"parser alone, {len(found) * 200:,} URLs, uncached": lambda module: [
            module._normalize_uncached(url, base) for _ in range(200) for url, base in found
        ],
        f"normalize_url, {len(links):,} links of a crawl": lambda module: [
            module.normalize_url(url, base=base) for url, base in links
        ],
        f"url_host, the {len(resolved):,} web URLs among them": lambda module: [
            module.url_host(url) for url in resolved
        ],
        "20,000 relative links under a 100 KB <base>": lambda module: [
            module.normalize_url(f"x{index}", base=long_base) for index in range(20_000)
        ],
    }
    print("CPU s, best of 9 (taking turns), caches cleared before each run:")
    print(f"  {'':48} {'hand-written':>12} {'ada-url':>9}")
    for label, run in measurements.items():
        old_s, new_s = best_cpu([module for _name, module in modules], run)
        print(f"  {label:48} {old_s:12.3f} {new_s:9.3f} ({(new_s - old_s) / old_s:+.0%})")


if __name__ == "__main__":
    main()
