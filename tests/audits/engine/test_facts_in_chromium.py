"""The facts against the browser itself: Debian's Chromium loads each fixture, and its DOM
(before any script runs) must hold what parse_page read.

Scripting stays on, as in Chrome and Lighthouse (so <noscript> is text), and a
Content-Security-Policy of `script-src 'none'` keeps every script from running: the DOM is
the parser's. Two deliberate differences are spelled out below rather than hidden.
"""

from __future__ import annotations

import pytest
from multidict import CIMultiDict

from audits.engine.facts import parse_page
from tests.audits.engine.test_facts import FIXTURE_NAMES, FIXTURES, fixture_headers

PAGE_URL = "https://www.example.com/fixtures/{name}"

DOM_FACTS = """() => {
  const words = (text) => text.split(/[ \\t\\n\\f\\r]+/).filter(Boolean).join(' ');
  const web = (href) => /^https?:/i.test(href);
  // a.href is the raw attribute when it does not parse: not a link anyone can follow.
  const parses = (href) => { try { new URL(href); return true; } catch { return false; } };
  return {
    title: document.title,
    h1: [...document.querySelectorAll('h1')].map((e) => words(e.textContent)),
    lang: document.documentElement.getAttribute('lang'),
    links: [...document.querySelectorAll('a[href], area[href]')]
      .map((a) => a.href).filter(web).filter(parses).map((href) => href.split('#')[0]),
    images: document.querySelectorAll('img').length,
    canonicals: [...document.head.querySelectorAll('link[rel~=canonical i][href]')]
      .map((link) => link.href.split('#')[0]),
  };
}"""


# Where Chromium parts from the URL Standard, which we (through ada-url, the parser in Node,
# where Lighthouse judges hrefs) follow: it percent-encodes | in a path, and accepts a space in
# a host name. (^ in a path both encode.)
def as_the_url_standard_has_it(href: str) -> str | None:
    if "%20" in href.split("/")[2]:
        return None  # "https://exa mple.com/" is no URL
    head, question, query = href.partition("?")
    return head.replace("%7C", "|") + question + query


# Undeclared UTF-8: Chromium never guesses UTF-8 for a web page (it falls back to
# windows-1252) and shows mojibake; we read the bytes as the UTF-8 they are, as search engines
# do.
DIFFERENT_BY_CHOICE = {"undeclared_utf8.html": {"title", "h1", "links"}}


@pytest.fixture(scope="module")
def dom_of(browser):
    context = browser.new_context()
    served: dict[str, bytes | str] = {}

    def serve(route):
        if route.request.url.split("#")[0] == served["url"]:
            headers = dict(served["headers"] or {})
            headers.setdefault("Content-Type", "text/html")
            headers["Content-Security-Policy"] = "script-src 'none'"
            route.fulfill(status=200, body=served["body"], headers=headers)
        else:
            route.abort()  # subresources: nothing leaves the machine

    def read(url: str, body: bytes, headers: CIMultiDict | None) -> dict:
        served.update(url=url, body=body, headers=headers)
        page = context.new_page()
        try:
            page.route("**/*", serve)
            page.goto(url, wait_until="domcontentloaded")
            return page.evaluate(DOM_FACTS)
        finally:
            page.close()

    yield read
    context.close()


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_parse_page_reads_what_chromium_builds(name, dom_of):
    url = PAGE_URL.format(name=name)
    body, headers = (FIXTURES / name).read_bytes(), fixture_headers(name)
    dom = dom_of(url, body, headers)
    facts = parse_page(
        body,
        url=url,
        content_type=headers.get("Content-Type") if headers else "text/html",
        headers=headers,
    )
    ours = {
        "title": facts.title or "",
        "h1": list(facts.h1),
        "lang": facts.lang,
        "links": [link.url for link in facts.links],
        "images": facts.images_total,
        "canonicals": [ref.url for ref in facts.canonicals if ref.url],
    }
    dom["links"] = [url for url in map(as_the_url_standard_has_it, dom["links"]) if url is not None]
    different = {key for key in ours if ours[key] != dom[key]}
    assert different == DIFFERENT_BY_CHOICE.get(name, set()), {
        key: {"ours": ours[key], "chromium": dom[key]} for key in different
    }
