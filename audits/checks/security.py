"""HTTPS: the site's certificate and redirects, and pages that mix in plain HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.checks.registry import register
from audits.models import PageResult, SEOScan

CERTIFICATE_WARNING_DAYS: Final = 14

_HTTPS_WHY = {
    "en": "HTTPS protects visitors' data, is a Google ranking signal, and browsers mark plain "
    "HTTP pages as not secure.",
    "nl": "HTTPS beschermt de gegevens van bezoekers, is een rankingsignaal voor Google, en "
    "browsers markeren gewone HTTP-pagina's als niet veilig.",
}


def _https(site: dict[str, Any]) -> dict[str, Any]:
    return site.get("https") or {}


@register(
    id="http-scheme",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="response",
    covers=("SEOnaut HTTP_SCHEME",),
    title={"en": "Page is served over HTTPS", "nl": "Pagina wordt via HTTPS geleverd"},
    failure_title={
        "en": "Page is served over plain HTTP",
        "nl": "Pagina wordt via gewone HTTP geleverd",
    },
    why=_HTTPS_WHY,
    how_to_fix={
        "en": "Redirect this http:// URL to its https:// version (301) and link to the https:// "
        "version.",
        "nl": "Stuur deze http://-URL door naar de https://-versie (301) en link naar de "
        "https://-versie.",
    },
)
def http_scheme(page: PageResult) -> list[str]:
    """An http:// page on a site that otherwise runs on https (else see https-missing)."""
    return [page.final_url or page.url] if page.facts.get("http_on_https_site") else []


@register(
    id="mixed-content",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="html",
    title={
        "en": "Page loads all resources over HTTPS",
        "nl": "Pagina laadt alle bronnen via HTTPS",
    },
    failure_title={
        "en": "HTTPS page loads resources over HTTP (mixed content)",
        "nl": "HTTPS-pagina laadt bronnen via HTTP (gemengde inhoud)",
    },
    why={
        "en": "Browsers block or warn about http:// scripts, styles and images on an https "
        "page, which can break the page and removes the padlock.",
        "nl": "Browsers blokkeren of waarschuwen voor http://-scripts, -stijlen en "
        "-afbeeldingen op een https-pagina; dat kan de pagina breken en haalt het slotje weg.",
    },
    how_to_fix={
        "en": "Load these resources over https:// (or host them yourself).",
        "nl": "Laad deze bronnen via https:// (of host ze zelf).",
    },
)
def mixed_content(page: PageResult) -> list[str]:
    return list(page.facts.get("mixed_content") or ())


@register(
    id="insecure-forms",
    category="technical",
    severity="warning",
    weight=3,
    applies_to="html",
    title={"en": "Forms submit over HTTPS", "nl": "Formulieren verzenden via HTTPS"},
    failure_title={
        "en": "Forms submit to http:// URLs",
        "nl": "Formulieren verzenden naar http://-URL's",
    },
    why={
        "en": "Data typed into a form that posts to http:// travels unencrypted, and browsers "
        "warn visitors before they submit it.",
        "nl": "Gegevens uit een formulier dat naar http:// verzendt gaan onversleuteld over "
        "het netwerk, en browsers waarschuwen bezoekers voordat ze het versturen.",
    },
    how_to_fix={
        "en": "Change the form's action to an https:// URL.",
        "nl": "Verander de action van het formulier in een https://-URL.",
    },
)
def insecure_forms(page: PageResult) -> list[str]:
    return list(page.facts.get("insecure_forms") or ())


@register(
    id="https-missing",
    category="technical",
    severity="critical",
    weight=6,
    scope="site",
    title={"en": "Site uses HTTPS", "nl": "Site gebruikt HTTPS"},
    failure_title={"en": "Site does not use HTTPS", "nl": "Site gebruikt geen HTTPS"},
    why=_HTTPS_WHY,
    how_to_fix={
        "en": "Install a TLS certificate (free from Let's Encrypt or your host) and redirect "
        "every http:// URL to https://.",
        "nl": "Installeer een TLS-certificaat (gratis via Let's Encrypt of je hostingpartij) "
        "en stuur elke http://-URL door naar https://.",
    },
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
    scope="site",
    title={
        "en": "HTTP redirects to HTTPS",
        "nl": "HTTP stuurt door naar HTTPS",
    },
    failure_title={
        "en": "The http:// version of the site does not redirect to https://",
        "nl": "De http://-versie van de site stuurt niet door naar https://",
    },
    why=_HTTPS_WHY,
    how_to_fix={
        "en": "Make the server answer every http:// request with a 301 redirect to the same "
        "https:// URL.",
        "nl": "Laat de server elk http://-verzoek beantwoorden met een 301-doorverwijzing naar "
        "dezelfde https://-URL.",
    },
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
    scope="site",
    title={"en": "TLS certificate is valid", "nl": "TLS-certificaat is geldig"},
    failure_title={
        "en": "TLS certificate is not valid",
        "nl": "TLS-certificaat is niet geldig",
    },
    why={
        "en": "With an invalid certificate browsers show a full-page security warning and "
        "most visitors, and crawlers, go no further.",
        "nl": "Met een ongeldig certificaat tonen browsers een paginagrote "
        "beveiligingswaarschuwing en gaan de meeste bezoekers, en crawlers, niet verder.",
    },
    how_to_fix={
        "en": "Install a certificate issued by a trusted authority for this exact host name, "
        "with the full chain, and renew it before it expires.",
        "nl": "Installeer een certificaat van een vertrouwde uitgever voor precies deze "
        "hostnaam, met de volledige keten, en vernieuw het voordat het verloopt.",
    },
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
    scope="site",
    title={
        "en": "TLS certificate is not about to expire",
        "nl": "TLS-certificaat verloopt niet binnenkort",
    },
    failure_title={
        "en": "TLS certificate expires soon",
        "nl": "TLS-certificaat verloopt binnenkort",
    },
    why={
        "en": "When the certificate expires, browsers block the site with a security warning.",
        "nl": "Als het certificaat verloopt, blokkeren browsers de site met een "
        "beveiligingswaarschuwing.",
    },
    how_to_fix={
        "en": "Renew the certificate now and set up automatic renewal (e.g. certbot).",
        "nl": "Vernieuw het certificaat nu en stel automatisch vernieuwen in (bijvoorbeeld met "
        "certbot).",
    },
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
    scope="site",
    covers=("SEOnaut ERROR_MISSING_HSTS",),
    title={"en": "Site sends an HSTS header", "nl": "Site stuurt een HSTS-header"},
    failure_title={
        "en": "Site sends no Strict-Transport-Security header",
        "nl": "Site stuurt geen Strict-Transport-Security-header",
    },
    why={
        "en": "HSTS makes browsers always use HTTPS for your site, even when someone types or "
        "follows an http:// link, so connections cannot be downgraded.",
        "nl": "HSTS laat browsers voor je site altijd HTTPS gebruiken, ook als iemand een "
        "http://-link typt of volgt, zodat verbindingen niet kunnen worden afgezwakt.",
    },
    how_to_fix={
        "en": "Send Strict-Transport-Security: max-age=31536000 on your https:// responses "
        "once every page works over HTTPS.",
        "nl": "Stuur Strict-Transport-Security: max-age=31536000 mee met je https://-"
        "antwoorden zodra elke pagina via HTTPS werkt.",
    },
)
def hsts_missing(scan: SEOScan, site: dict[str, Any]) -> Iterator[tuple[None, str]]:
    https = _https(site)
    if https.get("start_is_https") and not https.get("hsts"):
        yield None, _("no Strict-Transport-Security header")
