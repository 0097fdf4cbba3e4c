"""Helpers for the check tests: real FetchResults and HTML, as the crawler produces them."""

from __future__ import annotations

from audits.checks import CheckedPage, page_checks_run, run_page_checks
from audits.engine.facts import parse_page
from audits.engine.fetch import FetchResult, RedirectHop
from audits.models import Finding
from audits.storage import checked_page_build

SITE = "https://example.com"


def html_page(
    body: str = "",
    *,
    head: str = "",
    lang: str | None = "en",
) -> str:
    """An HTML document; ``head`` and ``body`` are inserted as given."""
    lang_attribute = f' lang="{lang}"' if lang is not None else ""
    return f"<!doctype html><html{lang_attribute}><head>{head}</head><body>{body}</body></html>"


def fetch_result(
    url: str,
    *,
    body: str | bytes = b"",
    status_code: int | None = 200,
    content_type: str | None = "text/html",
    charset: str | None = "utf-8",
    headers: dict[str, str] | None = None,
    redirect_chain: list[tuple[str, int]] | None = None,
    final_url: str | None = None,
    ttfb_ms: int | None = 120,
    error: str | None = None,
    error_detail: str | None = None,
    truncated: bool = False,
    resources_not_loaded: int = 0,
) -> FetchResult:
    raw = body.encode() if isinstance(body, str) else body
    return FetchResult(
        requested_url=url,
        final_url=final_url or url,
        status_code=status_code,
        redirect_chain=[RedirectHop(hop_url, code) for hop_url, code in redirect_chain or ()],
        headers={
            "content-type": f"{content_type}; charset={charset}"
            if content_type and charset
            else content_type or "",
            **(headers or {}),
        },
        body=raw,
        truncated=truncated,
        ttfb_ms=ttfb_ms,
        elapsed_ms=(ttfb_ms or 0) + 20,
        bytes_downloaded=len(raw),
        content_type=content_type,
        charset=charset if content_type else None,
        error=error,
        error_detail=error_detail,
        resources_not_loaded=resources_not_loaded,
    )


def is_internal(url: str) -> bool:
    return url.startswith(SITE)


def checked_page(
    html: str,
    *,
    url: str = f"{SITE}/page",
    depth: int | None = 1,
    site_is_https: bool = True,
    **fetch_options,
) -> CheckedPage:
    """The facts of one fetched page, as page checks read them: no scan, no database."""
    fetch = fetch_result(url, body=html, **fetch_options)
    facts = parse_page(
        fetch.body, url=fetch.final_url, content_type=fetch.content_type, headers=fetch.headers
    )
    return checked_page_build(
        fetch=fetch,
        facts=facts,
        url=url,
        depth=depth,
        in_sitemap=False,
        blocked_by_robots=False,
        site_is_https=site_is_https,
        is_internal=is_internal,
    )


def failed_checks(page) -> set[str]:
    """The page checks a page (its facts, or a row built from them) fails."""
    if not isinstance(page, CheckedPage):
        page = CheckedPage.from_row(page)
    return {result.check_id for result in page_checks_run(page)}


def finding_details(page, check_id: str) -> str:
    return "\n".join(f.detail for f in run_page_checks(page) if f.check_id == check_id)


def site_findings(scan, check_id: str) -> list[Finding]:
    return list(Finding.objects.filter(scan=scan, check_id=check_id).order_by("id"))


# A page that passes every page check; tests change one thing at a time.
CLEAN_TITLE = "Handmade oak dining tables"
CLEAN_DESCRIPTION = (
    "Solid oak dining tables built by hand in our Utrecht workshop, made to measure and "
    "delivered across the Netherlands."
)
CLEAN_TEXT = " ".join(
    f"Paragraph {n} explains how we select, dry and finish the oak for every table."
    for n in range(20)
)


def clean_head(
    *,
    title: str | None = CLEAN_TITLE,
    description: str | None = CLEAN_DESCRIPTION,
    viewport: bool = True,
    social: bool = True,
    extra: str = "",
) -> str:
    parts = []
    if title is not None:
        parts.append(f"<title>{title}</title>")
    if description is not None:
        parts.append(f'<meta name="description" content="{description}">')
    if viewport:
        parts.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    if social:
        parts.append(
            '<meta property="og:title" content="Oak tables">'
            '<meta property="og:description" content="Made by hand">'
            '<meta property="og:image" content="https://example.com/table.jpg">'
            '<meta name="twitter:card" content="summary_large_image">'
        )
    parts.append(extra)
    return "".join(parts)


def clean_page(
    *,
    body: str = "",
    h1: str | None = "Oak dining tables",
    text: str = CLEAN_TEXT,
    lang: str | None = "en",
    **head_options,
) -> str:
    heading = f"<h1>{h1}</h1>" if h1 is not None else ""
    return html_page(f"{heading}<p>{text}</p>{body}", head=clean_head(**head_options), lang=lang)


def site_facts(**overrides) -> dict:
    """The `site` dict the crawler hands to the site checks, for a healthy https site."""
    site = {
        "start_url": f"{SITE}/",
        "final_start_url": f"{SITE}/",
        "finished_because": "completed",
        "robots_txt": {
            "url": f"{SITE}/robots.txt",
            "status_code": 200,
            "exists": True,
            "error": None,
            "problems": [],
            "sitemaps": [f"{SITE}/sitemap.xml"],
            "crawl_delay": None,
            "blocks_all": False,
        },
        "sitemaps": [
            {
                "url": f"{SITE}/sitemap.xml",
                "status_code": 200,
                "ok": True,
                "error": None,
                "urls_listed": 3,
                "source": "robots.txt",
            }
        ],
        "https": {
            "start_is_https": True,
            "http_redirects_to_https": True,
            "certificate": {
                "valid": True,
                "days_to_expiry": 80,
                "not_after": "2027-02-01T00:00:00+00:00",
                "issuer": "R11",
                "error": None,
            },
            "hsts": "max-age=31536000",
        },
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(site.get(key), dict):
            site[key] = {**site[key], **value}
        else:
            site[key] = value
    return site


def distinct_page(number: int, **options) -> str:
    """A clean page whose title, description and text differ from every other number's."""
    options.setdefault("title", f"Oak table model {number:03d} made to measure")
    options.setdefault(
        "description",
        f"Model {number:03d}: a solid oak dining table built by hand in Utrecht, "
        "made to measure and delivered to your door.",
    )
    options.setdefault("text", f"Model {number} notes. {CLEAN_TEXT}")
    return clean_page(**options)
