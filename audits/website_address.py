"""What a website address is: the one check behind the add-website form, the website services,
the command-line audit and the start of every crawl.

An address the form accepts is one the audit can fetch because both read it the same way:
:func:`website_url_clean` normalises with the crawler's own parser
(:func:`audits.engine.urls.normalize_url`, the WHATWG URL Standard), and the website stores
exactly the URL the crawl later starts from (``services.scans.crawl_settings_for`` passes it
through here again). ``http://2130706433:8766/`` therefore becomes ``http://127.0.0.1:8766/``
before anything is stored or vetted.

The same website (:func:`website_origin`) is the same scheme, host and port once normalised:
case, a default port (80 for http, 443 for https) and the start page do not make a new website,
so ``HTTP://Example.com:80/index.html`` is the website of ``http://example.com/``. A different
scheme (``http`` / ``https``) or host (``www.example.com`` / ``example.com``) is a different
website: each can serve a different site, and a crawl stays on the host it starts from.

Addresses with a user name or password are refused: the audit only reads public pages, and
a password must not end up in the database, the dashboard, the admin or a report.

Messages show hosts as people type them (``bücher.de``), not in the punycode DNS uses.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import ada_url
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audits.engine.urls import normalize_url

# The length of Website.url and SEOScan.url (audits.models reads it from here).
URL_MAX_LENGTH = 500


def website_url_clean(url: str) -> str:
    """The normalised http(s) URL a website is stored and crawled as, or ValidationError
    with a message a customer can act on (codes: invalid_url, credentials, too_long)."""
    typed = (url or "").strip()
    candidate = typed if "://" in typed or not typed else "https://" + typed
    normalized = normalize_url(candidate)
    if normalized is None or not urlsplit(normalized).hostname:
        raise ValidationError(
            _("“%(url)s” is not a web address. Use one like https://example.com."),
            params={"url": typed},
            code="invalid_url",
        )
    if "@" in urlsplit(normalized).netloc:
        # The message does not repeat the address: it holds the password.
        raise ValidationError(
            _(
                "Remove the user name and password from the address: VivaSEO audits what "
                "the public sees and never stores passwords. Use one like https://example.com."
            ),
            code="credentials",
        )
    if len(normalized) > URL_MAX_LENGTH:
        raise ValidationError(
            _("This address is longer than %(limit)s characters. Use your home page instead."),
            params={"limit": URL_MAX_LENGTH},
            code="too_long",
        )
    return normalized


def website_url_validate(url: str) -> None:
    """Website.url's validator: the admin's website form refuses what the dashboard refuses."""
    website_url_clean(url)


def website_origin(url: str) -> str:
    """``scheme://host[:port]`` of a normalised URL: what makes two addresses one website."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def host_display(host: str) -> str:
    """A host as people write it: ``xn--bcher-kva.de`` -> ``bücher.de``; IPs stay as they are."""
    if "xn--" not in host:
        return host
    return ada_url.idna_to_unicode(host) or host


def url_display(url: str) -> str:
    """A normalised URL with its host as people write it, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if "xn--" not in host:
        return url
    return url.replace(host, host_display(host), 1)
