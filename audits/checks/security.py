"""HTTPS: the site's certificate and redirects, and pages that mix in plain HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from django.utils.translation import gettext_lazy

from audits.checks.page import CheckedPage
from audits.checks.registry import register
from audits.details import message as _
from audits.details import plural_message as ngettext
from audits.models import SEOScan

CERTIFICATE_WARNING_DAYS: Final = 14

_HTTPS_WHY = gettext_lazy(
    "HTTPS protects visitors' data, is a Google ranking signal, and browsers "
    "mark plain HTTP pages as not secure."
)


def _https(site: dict[str, Any]) -> dict[str, Any]:
    return site.get("https") or {}


@register(
    id="http-scheme",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="response",
    covers=("SEOnaut HTTP_SCHEME",),
    title=gettext_lazy("Page is served over HTTPS"),
    failure_title=gettext_lazy("Page is served over plain HTTP"),
    why=_HTTPS_WHY,
    how_to_fix=gettext_lazy(
        "Redirect this http:// URL to its https:// version (301) and link to the https:// version."
    ),
)
def http_scheme(page: CheckedPage) -> list[str]:
    """An http:// page on a site that otherwise runs on https (else see https-missing)."""
    return [page.final_url or page.url] if page.facts.get("http_on_https_site") else []


@register(
    id="mixed-content",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="indexable",
    title=gettext_lazy("Page loads all resources over HTTPS"),
    failure_title=gettext_lazy("HTTPS page loads resources over HTTP (mixed content)"),
    why=gettext_lazy(
        "Browsers block or warn about http:// scripts, styles and images on an "
        "https page, which can break the page and removes the padlock."
    ),
    how_to_fix=gettext_lazy("Load these resources over https:// (or host them yourself)."),
)
def mixed_content(page: CheckedPage) -> list[str]:
    return list(page.facts.get("mixed_content") or ())


@register(
    id="insecure-forms",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="indexable",
    title=gettext_lazy("Forms submit over HTTPS"),
    failure_title=gettext_lazy("Forms submit to http:// URLs"),
    why=gettext_lazy(
        "Data typed into a form that posts to http:// travels unencrypted, and "
        "browsers warn visitors before they submit it."
    ),
    how_to_fix=gettext_lazy("Change the form's action to an https:// URL."),
)
def insecure_forms(page: CheckedPage) -> list[str]:
    return list(page.facts.get("insecure_forms") or ())


@register(
    id="https-missing",
    category="technical",
    severity="critical",
    weight=6,
    applies_to="site",
    scope="site",
    title=gettext_lazy("Site uses HTTPS"),
    failure_title=gettext_lazy("Site does not use HTTPS"),
    why=_HTTPS_WHY,
    how_to_fix=gettext_lazy(
        "Install a TLS certificate (free from Let's Encrypt or your host) and "
        "redirect every http:// URL to https://."
    ),
)
def https_missing(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[None, str]]:
    https = _https(site)
    if https and https.get("start_is_https") is False:
        yield None, site.get("final_start_url") or site.get("start_url") or scan.url


@register(
    id="http-not-redirected",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    title=gettext_lazy("HTTP redirects to HTTPS"),
    failure_title=gettext_lazy("The http:// version of the site does not redirect to https://"),
    why=_HTTPS_WHY,
    how_to_fix=gettext_lazy(
        "Make the server answer every http:// request with a 301 redirect to the same https:// URL."
    ),
)
def http_not_redirected(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[None, str]]:
    https = _https(site)
    if https.get("start_is_https") and https.get("http_redirects_to_https") is False:
        yield None, _("http:// does not redirect to https://")


@register(
    id="certificate-invalid",
    category="technical",
    severity="critical",
    weight=6,
    applies_to="site",
    scope="site",
    title=gettext_lazy("TLS certificate is valid"),
    failure_title=gettext_lazy("TLS certificate is not valid"),
    why=gettext_lazy(
        "With an invalid certificate browsers show a full-page security warning "
        "and most visitors, and crawlers, go no further."
    ),
    how_to_fix=gettext_lazy(
        "Install a certificate issued by a trusted authority for this exact host "
        "name, with the full chain, and renew it before it expires."
    ),
)
def certificate_invalid(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[None, str]]:
    certificate = _https(site).get("certificate")
    if certificate and certificate.get("valid") is False:
        yield None, certificate.get("error") or "invalid certificate"


@register(
    id="certificate-expiring",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="site",
    scope="site",
    title=gettext_lazy("TLS certificate is not about to expire"),
    failure_title=gettext_lazy("TLS certificate expires soon"),
    why=gettext_lazy(
        "When the certificate expires, browsers block the site with a security warning."
    ),
    how_to_fix=gettext_lazy(
        "Renew the certificate now and set up automatic renewal (e.g. certbot)."
    ),
)
def certificate_expiring(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[None, str]]:
    certificate = _https(site).get("certificate") or {}
    days = certificate.get("days_to_expiry")
    if certificate.get("valid") and days is not None and days < CERTIFICATE_WARNING_DAYS:
        yield (
            None,
            ngettext(
                "expires in %(days)d day (%(date)s)", "expires in %(days)d days (%(date)s)", days
            )
            % {"days": days, "date": certificate.get("not_after")},
        )


@register(
    id="hsts-missing",
    category="technical",
    severity="notice",
    weight=1,
    applies_to="site",
    scope="site",
    covers=("SEOnaut ERROR_MISSING_HSTS",),
    title=gettext_lazy("Site sends an HSTS header"),
    failure_title=gettext_lazy("Site sends no Strict-Transport-Security header"),
    why=gettext_lazy(
        "HSTS makes browsers always use HTTPS for your site, even when someone "
        "types or follows an http:// link, so connections cannot be downgraded."
    ),
    how_to_fix=gettext_lazy(
        "Send Strict-Transport-Security: max-age=31536000 on your https:// "
        "responses once every page works over HTTPS."
    ),
)
def hsts_missing(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[None, str]]:
    https = _https(site)
    if https.get("start_is_https") and not https.get("hsts"):
        yield None, _("no Strict-Transport-Security header")
