"""Writes for a customer's websites: add (which starts the first audit), edit, (de)activate,
delete, and starting an audit from the dashboard.

The address check runs before any transaction: resolving a name can take a while, and an
SQLite write transaction must not wait on DNS. It gives up at VIVASEO_DNS_TIMEOUT whatever DNS
does (audits/dns_resolver.py), so a web worker is never held longer than that.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audits.dns_resolver import DeadlineResolver
from audits.engine.safety import UnsafeAddressError, parse_ip_host, resolve_and_vet
from audits.models import SEOReport, SEOScan, Website
from audits.services.report_files import report_pdfs_delete_on_commit
from audits.services.scans import ScanAlreadyRunning, scan_start
from audits.website_address import host_display, url_display, website_origin, website_url_clean
from billing.selectors import LimitReached, may
from vivaseo_site.accounts.services import user_locked

logger = logging.getLogger(__name__)

# The page limits the dashboard offers, up to what the customer's plan allows (its
# pages_per_audit); no audit crawls more than MAX_PAGES_LIMIT, whatever the plan says.
MAX_PAGES_CHOICES = (10, 25, 50, 100, 200, 500, 1_000, 2_500, 5_000, 10_000)
MAX_PAGES_LIMIT = 10_000


@dataclass(frozen=True)
class WebsiteCreated:
    website: Website
    scan: SEOScan | None
    # Why no audit was started (the plan's audits are used up), for the customer; empty when
    # it was.
    audit_problem: str = ""


def website_address_check(*, url: str, timeout: float | None = None) -> None:
    """Raise ValidationError unless the crawler could connect to ``url``'s host.

    Returns or raises within ``timeout`` seconds (default: VIVASEO_DNS_TIMEOUT).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    deadline = settings.VIVASEO_DNS_TIMEOUT if timeout is None else timeout
    resolver = DeadlineResolver(lifetime=deadline, nameservers=settings.VIVASEO_DNS_NAMESERVERS)
    try:
        # The lookup stops itself at the deadline; wait_for only backs that up.
        _run(asyncio.wait_for(resolve_and_vet(host, port, resolver=resolver), timeout=deadline))
    except UnsafeAddressError as error:
        logger.info("website refused: %s", error)
        if error.address:
            raise _unsafe(host, error.address) from error
        raise _not_found(host) from error
    except TimeoutError as error:  # before OSError, of which it is a kind
        logger.info("no DNS answer for %s within %s s", host, deadline)
        raise ValidationError(
            _(
                "We could not look up %(host)s in time: its name servers did not answer. "
                "Try again in a few minutes, or check the spelling."
            ),
            params={"host": host_display(host)},
            code="dns_timeout",
        ) from error
    except (OSError, UnicodeError) as error:
        raise _not_found(host) from error


def _unsafe(host: str, address: str) -> ValidationError:
    # A literal IP involves no DNS: "10.0.0.5 leads to 10.0.0.5" would read as if it did.
    if parse_ip_host(host) is not None:
        return ValidationError(
            _("%(address)s is not a public internet address. VivaSEO only audits public websites."),
            params={"address": address},
            code="unsafe_address",
        )
    return ValidationError(
        _(
            "%(host)s leads to %(address)s, which is not a public internet address. "
            "VivaSEO only audits public websites."
        ),
        params={"host": host_display(host), "address": address},
        code="unsafe_address",
    )


def _run(coroutine):
    """asyncio.run, also from a thread that already runs an event loop (Playwright's sync API
    in the tests, an ASGI server's loop). Not asgiref's async_to_sync: it refuses a thread
    with a running loop, and leaves an executor thread behind after each call."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


def _not_found(host: str) -> ValidationError:
    return ValidationError(
        _(
            "We could not find that address: %(host)s does not exist or did not answer. "
            "Check the spelling and try again."
        ),
        params={"host": host_display(host)},
        code="not_found",
    )


def _duplicate(url: str, existing: Website | None = None) -> ValidationError:
    if existing is None or existing.url == url:
        return ValidationError(
            _("%(url)s is already in your websites."),
            params={"url": url_display(url)},
            code="duplicate",
        )
    return ValidationError(
        _(
            "%(url)s belongs to a website you already added: %(site)s (%(existing)s). "
            "One website is one address: the same scheme, host and port."
        ),
        params={"url": url_display(url), "site": existing, "existing": url_display(existing.url)},
        code="duplicate",
    )


def _website_at_origin(*, user, url: str) -> Website | None:
    """The user's website at the same origin as ``url`` (normalised), if there is one."""
    origin = website_origin(url)
    return Website.objects.filter(user=user, url__startswith=origin + "/").first()


def website_name_default(url: str) -> str:
    host = host_display(urlsplit(url).hostname or url)
    return host.removeprefix("www.")


def website_create(
    *,
    user,
    url: str,
    name: str = "",
    description: str = "",
    start_audit: bool = True,
    check_address: bool = True,
    max_pages: int | None = None,
    render_js: bool = False,
) -> WebsiteCreated:
    """Add a website and start its `initial` audit (``max_pages``, None: the usual number
    within the plan; ``render_js``) in the same transaction.

    Raises ValidationError for an invalid, duplicate or refused address, and LimitReached
    (billing) when the plan allows no more websites, or not this many pages or rendering.
    When the plan's audits are used up the website is still added and ``audit_problem``
    says why nothing started.
    """
    url = website_url_clean(url)
    if existing := _website_at_origin(user=user, url=url):
        raise _duplicate(url, existing)
    max_pages = page_limit(max_pages) if max_pages is not None else None
    # Asked before the DNS lookup, which is slow; asked again under the lock below.
    may(user, "add_website").raise_if_refused()
    if check_address:
        website_address_check(url=url)
    try:
        with transaction.atomic():
            # Two quick submits of two addresses must not both take the plan's last website.
            may(user_locked(user=user), "add_website").raise_if_refused()
            if start_audit:
                if max_pages is not None:
                    may(user, "pages_per_audit", n=max_pages).raise_if_refused()
                if render_js:
                    may(user, "render_javascript").raise_if_refused()
            website = Website.objects.create(
                user=user,
                url=url,
                name=(name or "").strip() or website_name_default(url),
                description=(description or "").strip(),
            )
            scan, problem = None, ""
            if start_audit:
                try:
                    scan = scan_start(
                        user=user,
                        website=website,
                        scan_type=SEOScan.ScanType.INITIAL,
                        max_pages=max_pages,
                        render_js=render_js,
                    )
                except LimitReached as refused:
                    problem = _(
                        "%(reason)s The website was added; you can audit it once your plan "
                        "has audits left."
                    ) % {"reason": refused.decision.message}
    except IntegrityError as error:
        # Two quick submits of the same address: the constraint caught the second one.
        raise _duplicate(url) from error
    return WebsiteCreated(website=website, scan=scan, audit_problem=problem)


def page_limit(max_pages: int) -> int:
    """The page limit an audit gets: what was asked, within what the dashboard offers."""
    return max(1, min(int(max_pages), MAX_PAGES_LIMIT))


def website_update(*, website: Website, name: str, description: str = "") -> Website:
    website.name = name.strip() or website_name_default(website.url)
    website.description = (description or "").strip()
    website.save(update_fields=["name", "description", "modified"])
    return website


def website_set_active(*, website: Website, is_active: bool) -> Website:
    """Deactivated websites keep their history but are not audited (by hand or on schedule)."""
    website.is_active = is_active
    website.save(update_fields=["is_active", "modified"])
    return website


@transaction.atomic
def website_delete(*, website: Website) -> None:
    """Delete a website with all its audits, pages, findings, reports and their PDF files."""
    report_pdfs_delete_on_commit(reports=SEOReport.objects.filter(scan__website=website))
    website.delete()


def website_scan_start(
    *,
    user,
    website: Website,
    max_pages: int | None = None,
    render_js: bool = False,
    scan_type: str = SEOScan.ScanType.MANUAL,
) -> SEOScan:
    """Start an audit from the dashboard: one at a time per website, within the page limit.

    Raises ValidationError (deactivated, already running) or LimitReached (billing).
    """
    if SEOScan.objects.filter(website=website, status__in=SEOScan.ACTIVE_STATUSES).exists():
        raise ScanAlreadyRunning()
    return scan_start(
        user=user,
        website=website,
        scan_type=scan_type,
        max_pages=page_limit(max_pages) if max_pages is not None else None,
        render_js=render_js,
    )
