"""URL normalization and site membership, checked against what a browser's ``a.href`` gives."""

import time
from pathlib import Path

import ada_url
import pytest
from selectolax.lexbor import LexborHTMLParser

from audits.engine import urls
from audits.engine.urls import (
    MAX_URL_CHARS,
    UrlTooLong,
    is_absolute_url,
    is_valid_url,
    normalize_url,
    resolve_base_url,
    resolve_url,
    same_site,
    strip_www,
    url_host,
    url_scheme,
)

BASE = "https://www.example.com/blog/post.html?page=2#comments"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        # relative references, resolved as a browser does
        ("other.html", "https://www.example.com/blog/other.html"),
        ("../about/", "https://www.example.com/about/"),
        ("./a/./b/../c", "https://www.example.com/blog/a/c"),
        ("/a/%2e%2E/b", "https://www.example.com/b"),
        ("/a/b/..", "https://www.example.com/a/"),
        ("/../../x", "https://www.example.com/x"),
        ("?sort=asc", "https://www.example.com/blog/post.html?sort=asc"),
        ("#top", "https://www.example.com/blog/post.html?page=2"),
        ("", "https://www.example.com/blog/post.html?page=2"),
        ("//cdn.example.net/lib.js", "https://cdn.example.net/lib.js"),
        ("\\\\evil.example\\path", "https://evil.example/path"),
        ("/windows\\style\\path", "https://www.example.com/windows/style/path"),
        ("https:same-scheme-relative", "https://www.example.com/blog/same-scheme-relative"),
        ("http:other-scheme", "http://other-scheme/"),
        ("https: x", "https://www.example.com/blog/%20x"),
        ("https:?q", "https://www.example.com/blog/post.html?q"),
        ("https:#f", "https://www.example.com/blog/post.html?page=2"),
        ("https:/root", "https://www.example.com/root"),
        ("https:\\\\host.example/x", "https://host.example/x"),
        ("  \n /trimmed\t/path \n", "https://www.example.com/trimmed/path"),
        # scheme and host lowercased, default port dropped, empty path becomes "/"
        ("HTTPS://WWW.Example.COM:443", "https://www.example.com/"),
        ("http://example.com:80/x", "http://example.com/x"),
        ("http://example.com:0080/x", "http://example.com/x"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://example.com:80/x", "https://example.com:80/x"),
        ("http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/"),
        ("http://user:Secret@Example.com/", "http://user:Secret@example.com/"),
        # internationalized hosts become punycode
        ("https://Bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("https://例え.テスト/", "https://xn--r8jz45g.xn--zckzah/"),
        # nothing else is rewritten
        (
            "/p?utm_source=x&utm_medium=&empty=",
            "https://www.example.com/p?utm_source=x&utm_medium=&empty=",
        ),
        ("/p?b=2&a=1", "https://www.example.com/p?b=2&a=1"),
        ("/p?", "https://www.example.com/p?"),
        ("/dir/", "https://www.example.com/dir/"),
        ("/dir", "https://www.example.com/dir"),
        ("/a%2fb%7E/%41", "https://www.example.com/a%2fb%7E/%41"),
        ("/a//b", "https://www.example.com/a//b"),
        ("/Case/Sensitive", "https://www.example.com/Case/Sensitive"),
        # characters a URL cannot hold raw are percent-encoded as UTF-8
        ("/a b/é", "https://www.example.com/a%20b/%C3%A9"),
        # "^" is encoded in paths (URL Standard, Chromium), "|" is not (URL Standard)
        ("/^caret^/|pipe|?x=^|", "https://www.example.com/%5Ecaret%5E/|pipe|?x=^|"),
        ("/bar^baz", "https://www.example.com/bar%5Ebaz"),  # alone too (ada-url issue 970)
        # a lone surrogate (no UTF-8) is read as U+FFFD, as a browser reads it
        ("/a\ud800b", "https://www.example.com/a%EF%BF%BDb"),
        ('/q?x="<é>"&y=\'', "https://www.example.com/q?x=%22%3C%C3%A9%3E%22&y=%27"),
    ],
)
def test_normalize_url_resolves_like_a_browser(href, expected):
    assert normalize_url(href, base=BASE) == expected


@pytest.mark.parametrize(
    "href",
    [
        "javascript:void(0)",
        "JavaScript:alert(1)",
        "mailto:team@example.com",
        "tel:+15551234",
        "data:text/html,<p>hi</p>",
        "ftp://files.example.com/a.txt",
        "file:///etc/passwd",
        "about:blank",
        "http://",
        "https://exa mple.com/",
        "http://example.com:99999/",
        "http://example.com:80a/",
        "http://[::1/",
        "http://ex<ample.com/",
        "http://xn--a.xn--%/",
        "http://example.123/",  # ends in a number, so it must be an IPv4 address, and is not
        "http://256.256.256.256/",
    ],
)
def test_normalize_url_returns_none_for_what_is_not_a_web_url(href):
    assert normalize_url(href, base=BASE) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://2130706433:8766/", "http://127.0.0.1:8766/"),
        ("http://0x7F000001/a", "http://127.0.0.1/a"),
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://127.1/", "http://127.0.0.1/"),
        ("http://0177.0.0.1/", "http://127.0.0.1/"),
        ("https://192.168.000.001/", "https://192.168.0.1/"),
    ],
)
def test_ipv4_hosts_in_any_notation_are_read_as_the_url_standard_says(url, expected):
    # The crawler's address checks must see the address a browser would connect to.
    assert normalize_url(url) == expected
    assert url_host(url) == expected.split("/")[2].partition(":")[0]
    assert same_site(url, "http://127.0.0.1/", include_subdomains=False) == (
        expected.split("/")[2].startswith("127.0.0.1")
    )


def test_normalize_url_needs_a_web_base_for_relative_references():
    assert normalize_url("/about") is None
    assert normalize_url("/about", base="not a url") is None
    assert normalize_url("about", base="mailto:a@b.example") is None
    assert normalize_url("https://example.com") == "https://example.com/"


def test_normalize_url_gives_the_same_answer_from_its_cache():
    # Root-relative links are cached per origin; the base path must not leak between pages.
    first = normalize_url("/shared", base="https://a.example/one/two")
    second = normalize_url("/shared", base="https://a.example/three/")
    other_site = normalize_url("/shared", base="https://b.example/one/two")
    assert first == second == "https://a.example/shared"
    assert other_site == "https://b.example/shared"
    assert normalize_url("x", base="https://a.example/one/two") == "https://a.example/one/x"
    assert normalize_url("x", base="https://a.example/three/") == "https://a.example/three/x"


def test_shortcuts_for_already_normal_urls_agree_with_full_parsing():
    fixtures = Path(__file__).parent / "fixtures"
    hrefs = [
        node.attributes.get("href") or node.attributes.get("src") or ""
        for path in fixtures.glob("*.html")
        for node in LexborHTMLParser(path.read_bytes()).css("[href], [src]")
    ]
    hrefs += [
        "/a/.well-known/x",
        "/a/%2E/b",
        "/p?x='y'",
        "/p#frag ment",
        "/p?#",
        "https://example.com/a/../b",
        "https://example.com./x",
        "https://Example.com/x",
        "https://example.com:8080/x",
        "https://example.com/x#y",
        "http://example.com/a%2fb?c=%7E",
        "http://2130706433/x",
        "http://0x7f.1/x",
        "http://127.1/x",
        "http://1.2.3.4/x",
        "http://a.b1/x",
        "http://a.0x/x",
        "https://xn--bcher-kva.example/x",
        "https://-a-.example/x",
        "/^caret",
        "/a\\..\\b",
    ]
    full_parse = urls._normalize_cached.__wrapped__
    for base in ("https://www.example.com/dir/page", "http://sub.example.org:8080/"):
        for href in hrefs:
            assert normalize_url(href, base=base) == full_parse(href, base), (href, base)


def _whole_base_reading(href: str, base: str) -> str | None:
    """What ada answers given the whole base, with only our thin rules on top."""
    try:
        joined = ada_url.join_url(base, href)
    except ValueError:
        return None
    joined = joined.partition("#")[0]
    ok = joined.startswith(("http://", "https://")) and len(joined) <= MAX_URL_CHARS
    return joined if ok else None


def test_giving_ada_only_the_part_of_the_base_a_reference_takes_changes_no_answer():
    bases = [
        BASE,
        "http://u:p@h.example:8080/d/e?q=1#f",
        "https://h.example",
        "https://h.example/" + "d" * 1500 + "/" + "e" * 1000 + "?q",  # a long last segment
        "https://h.example/" + "d" * 3000 + "/",  # longer than the cap
        "https://h.example/d/?" + "q" * 3000,  # a long query only
    ]
    prefixes = ["", "http:", "https:", "HTTPS:", " ", "\t"]
    bodies = [
        *("", "x", " x", "?q", "#f", "/r", "\\r", "//h2.example/p", "\\\\h2.example"),
        *("../x", "./", "a/../../b", "%2e%2e/x", ".%2E/.", "^", "é", "a b", "x?" + "q" * 900),
    ]
    for base in bases:
        for prefix in prefixes:
            for body in bodies:
                href = prefix + body
                assert normalize_url(href, base=base) == _whole_base_reading(href, base), (
                    href,
                    base[:60],
                )


def test_is_valid_url_accepts_every_parseable_scheme_but_not_broken_hosts():
    assert is_valid_url("mailto:a@b.example", base=BASE)
    assert is_valid_url("tel:123", base=BASE)
    assert is_valid_url("/relative", base=BASE)
    assert not is_valid_url("/relative")
    assert not is_valid_url("http://[::1", base=BASE)
    assert not is_valid_url("https://exa mple.com/", base=BASE)
    assert not is_valid_url("ftp://", base=BASE)
    assert is_valid_url("/a\ud800", base=BASE)
    assert is_valid_url("https://example.com/", base="no base at all")


def test_is_absolute_url_is_true_only_for_urls_that_parse_without_a_base():
    assert is_absolute_url("https://example.com/a")
    assert is_absolute_url("http:example.com")
    assert is_absolute_url("urn:isbn:123")
    assert not is_absolute_url("/a")
    assert not is_absolute_url("//example.com/a")
    assert not is_absolute_url("example.com/a")
    assert not is_absolute_url("https://")


def test_url_scheme_and_host():
    assert url_scheme(" JavaScript:void(0)") == "javascript"
    assert url_scheme("/a:b") is None
    assert url_host("https://WWW.Example.com:8443/x") == "www.example.com"
    assert url_host("mailto:a@b.example") is None
    assert strip_www("www.example.com") == "example.com"
    assert strip_www("www2.example.com") == "www2.example.com"


@pytest.mark.parametrize(
    ("url", "include_subdomains", "expected"),
    [
        ("https://www.example.com/a", False, True),
        ("http://WWW.EXAMPLE.COM:8080/a", False, True),
        ("https://example.com/a", False, False),
        ("https://blog.example.com/a", False, False),
        ("https://example.com/a", True, True),
        ("https://blog.example.com/a", True, True),
        ("https://deep.blog.example.com/a", True, True),
        ("https://notexample.com/a", True, False),
        ("https://example.com.evil.net/a", True, False),
        ("mailto:www@example.com", True, False),
        ("/relative", True, False),
    ],
)
def test_same_site(url, include_subdomains, expected):
    start = "https://www.example.com/"
    assert same_site(url, start, include_subdomains=include_subdomains) is expected


def test_same_site_with_subdomains_from_a_bare_domain():
    assert same_site("https://shop.example.org/", "https://example.org/", include_subdomains=True)
    assert not same_site(
        "https://example.org/", "https://shop.example.org/", include_subdomains=True
    )


# --- Over-long URLs and bounded caches (issue 8) --------------------------------------------

LONG_BASE = "https://www.example.com/" + "A" * 100_000 + "/"


@pytest.mark.parametrize(
    ("href", "base"),
    [
        ("x1", LONG_BASE),  # a short href under a long <base>
        ("?q=1", LONG_BASE),
        ("", LONG_BASE),
        ("/" + "p" * MAX_URL_CHARS, BASE),
        ("https://example.com/" + "p" * MAX_URL_CHARS, BASE),
        ("https://example.com/" + "é" * 400, BASE),  # 3,600 characters once percent-encoded
        ("other.html?" + "q" * MAX_URL_CHARS, BASE),
    ],
)
def test_urls_longer_than_the_cap_are_dropped_and_can_be_counted(href, base):
    assert normalize_url(href, base=base) is None
    with pytest.raises(UrlTooLong):
        resolve_url(href, base=base)


def test_the_cap_is_on_the_resolved_url_not_on_what_was_written():
    longest = "https://example.com/" + "p" * (MAX_URL_CHARS - len("https://example.com/"))
    assert normalize_url(longest) == longest
    assert normalize_url(longest + "p") is None
    # A long fragment is dropped, dot segments climb out of a long base: short URLs.
    assert resolve_url("/a#" + "f" * 100_000, base=BASE) == "https://www.example.com/a"
    up = "../" * 3
    assert resolve_url(up + "x", base=LONG_BASE) == "https://www.example.com/x"
    assert resolve_url("/root", base=LONG_BASE) == "https://www.example.com/root"
    # Not a web URL is not "too long": a long data: image is simply not a link.
    assert resolve_url("data:image/png;base64," + "A" * 100_000, base=BASE) is None


def test_a_long_document_base_is_kept_so_its_links_can_be_judged():
    base = resolve_base_url("/" + "A" * 100_000 + "/", base=BASE)
    assert base == LONG_BASE
    assert resolve_base_url("mailto:a@b.example", base=BASE) is None


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("x{index}", None),
        ("https:x{index}", None),
        ("?q={index}", None),
        ("//cdn.example/{index}", "https://cdn.example/{index}"),
        ("/root {index}", "https://www.example.com/root%20{index}"),
        ("\\\\root\\{index}", "https://root/{index}"),
    ],
)
def test_resolving_20000_links_under_a_long_base_is_cheap(href, expected):
    # ada is given only what a reference takes from the base, or nothing when the result is
    # sure to be too long: a 100 KB base is not copied 20,000 times.
    started = time.process_time()
    for index in range(20_000):
        want = None if expected is None else expected.format(index=index)
        assert normalize_url(href.format(index=index), base=LONG_BASE) == want
    assert time.process_time() - started < 1.0  # measured: 0.02-0.25 s


def test_a_long_query_in_the_base_is_not_carried_into_path_relative_links():
    base = "https://www.example.com/dir/page?" + "q" * 100_000
    assert normalize_url("other", base=base) == "https://www.example.com/dir/other"
    assert normalize_url("?a=1", base=base) == "https://www.example.com/dir/page?a=1"
    assert normalize_url("#top", base=base) is None
    with pytest.raises(UrlTooLong):
        resolve_url("", base=base)


@pytest.mark.parametrize(
    "url",
    [
        "https://WWW.Example.com:8443/x",
        "http:///host.example/x",
        "http://\\host.example/x",
        "http://host.example\\path/x",
        "http://host.example?x/y",
        "http://host.example#x/y",
        "http://user:pa/ss@host.example/",
        "http://ho\tst.example/",
        "http://exa mple.com/",
        "https://",
        "https:host.example",
        "http://" + "h" * 1000 + ".example/x",
    ],
)
def test_url_host_from_its_origin_cache_agrees_with_full_parsing(url):
    assert url_host(url) == urls._url_host(url)


def test_module_caches_are_bounded_in_entries_and_in_what_they_keep():
    urls._normalize_cached.cache_clear()
    urls._origin_host.cache_clear()
    for index in range(50):
        normalize_url(f"x{index}?" + "q" * 600, base=BASE)  # too long a key to be cached
        url_host(f"https://{'h' * 600}.example/{index}")
    urls._base_parts_cached.cache_clear()
    normalize_url("x", base=LONG_BASE)
    assert urls._normalize_cached.cache_info().currsize == 0
    assert urls._origin_host.cache_info().currsize == 0
    assert urls._base_parts_cached.cache_info().currsize == 0
    # A short base that percent-encoding makes long is left to the one slot for long bases.
    short_but_encoded_long = "https://www.example.com/" + "é" * 1000 + "/"
    assert normalize_url("x", base=short_but_encoded_long) is None
    assert urls._base_parts_cached(short_but_encoded_long) is urls._LONG_BASE
    for cached in (urls._normalize_cached, urls._origin_host, urls._base_parts_cached):
        assert cached.cache_info().maxsize is not None and cached.cache_info().maxsize <= 8192
