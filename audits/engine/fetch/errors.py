"""The one table from "what went wrong" to a fetch error code and the sentence users read.

Both fetchers use it: :class:`~audits.engine.fetch.http.HttpFetcher` matches the exception
it caught by type (first rule wins, so subclasses come before their bases), and
:class:`~audits.engine.fetch.browser.BrowserFetcher` matches the ``net::ERR_*`` text of a
Playwright error (Chromium's errors all arrive as one exception type). A new failure mode is
one row here, not another ``except`` branch in each fetcher.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from yarl import URL

from audits.engine.safety import UnsafeAddressError

from .results import FetchError, describe_timeout


@dataclass(frozen=True, slots=True)
class Failure:
    """Where a fetch failed: what the sentence explaining it may mention."""

    url: URL
    timeout: float
    rendered: bool = False  # in Chromium (its messages name the page, not the connection)
    partial: bool = False  # the response had started arriving when it failed


@dataclass(frozen=True, slots=True)
class FailureRule:
    code: FetchError
    explain: Callable[[BaseException, Failure], str]
    # Exceptions the HTTP fetcher catches for this code.
    exceptions: tuple[type[BaseException], ...] = ()
    # Text in a Chromium/Playwright error (its type name included) that means this code.
    chromium_markers: tuple[str, ...] = ()
    # Keep the part of the response that arrived (marked truncated) instead of dropping it.
    keeps_partial_response: bool = False
    # The failure is an invalid certificate: record it in FetchResult.tls.
    invalid_certificate: bool = False


def certificate_reason(error: BaseException) -> str:
    certificate_error = getattr(error, "certificate_error", error)
    return getattr(certificate_error, "verify_message", None) or str(certificate_error)


def dns_detail(host: str | None, reason: object) -> str:
    return (
        f"Could not find the server {host}: its name does not resolve in DNS ({reason}). "
        "Check the address for typos."
    )


def _os_reason(error: BaseException) -> object:
    os_error = getattr(error, "os_error", error)
    return getattr(os_error, "strerror", None) or os_error


def _timeout(error: BaseException, failure: Failure) -> str:
    if failure.rendered:
        # Only the document counts: what it loads afterwards has a bounded wait of its own.
        return f"The server did not send the page within {failure.timeout:g} seconds."
    return describe_timeout(failure.timeout)


def _tls(error: BaseException, failure: Failure) -> str:
    if failure.rendered:
        return f"Chromium refused the TLS certificate of {failure.url.host}."
    return f"Could not set up a secure (TLS) connection to {failure.url.host}: {error}"


def _invalid_certificate(error: BaseException, failure: Failure) -> str:
    return (
        f"The TLS certificate of {failure.url.host} is not valid "
        f"({certificate_reason(error)}). Browsers show a security warning instead of this page."
    )


def _connection(error: BaseException, failure: Failure) -> str:
    host = failure.url.host
    if failure.rendered:
        return f"Could not connect to {host}."
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"Could not connect to {host}: {_os_reason(error)}."
    if failure.partial:
        return f"The connection to {host} was cut mid-response: {error}"
    return f"The connection to {host} failed: {error}"


FAILURE_RULES: tuple[FailureRule, ...] = (
    FailureRule(
        FetchError.TIMEOUT,
        _timeout,
        exceptions=(TimeoutError,),
        chromium_markers=("Timeout",),
        keeps_partial_response=True,
    ),
    FailureRule(
        FetchError.UNSAFE_ADDRESS,
        lambda error, failure: error.message,  # type: ignore[attr-defined]
        exceptions=(UnsafeAddressError,),
    ),
    FailureRule(
        FetchError.TLS,
        _invalid_certificate,
        exceptions=(aiohttp.ClientConnectorCertificateError,),
        invalid_certificate=True,
    ),
    FailureRule(
        FetchError.TLS,
        _tls,
        exceptions=(aiohttp.ClientSSLError, ssl.SSLError),
        chromium_markers=("ERR_CERT", "ERR_SSL"),
    ),
    FailureRule(
        FetchError.DNS,
        lambda error, failure: dns_detail(failure.url.host, _os_reason(error)),
        exceptions=(aiohttp.ClientConnectorDNSError,),
    ),
    FailureRule(
        FetchError.TOO_MANY_REDIRECTS,
        lambda error, failure: f"{failure.url} redirects too many times.",
        chromium_markers=("ERR_TOO_MANY_REDIRECTS",),
    ),
    FailureRule(
        FetchError.CONNECTION,
        _connection,
        exceptions=(aiohttp.ClientConnectorError,),
        chromium_markers=("ERR_CONNECTION", "ERR_EMPTY_RESPONSE"),
    ),
    FailureRule(
        FetchError.INVALID_URL,
        lambda error, failure: f"{error.url} is not a valid web address.",  # type: ignore[attr-defined]
        exceptions=(aiohttp.InvalidURL,),
    ),
    FailureRule(
        FetchError.CONNECTION,
        _connection,
        exceptions=(aiohttp.ServerDisconnectedError, aiohttp.ClientOSError),
        keeps_partial_response=True,
    ),
    FailureRule(
        # Malformed status line or headers, broken gzip, bad chunked encoding...
        FetchError.PROTOCOL,
        lambda error, failure: f"{failure.url.host} sent a broken HTTP response: {error}",
        exceptions=(aiohttp.ClientError, ValueError),
        keeps_partial_response=True,
    ),
)

# Everything the HTTP fetcher turns into an error code; anything else is a bug and propagates.
HTTP_FAILURES: tuple[type[BaseException], ...] = tuple(
    exception for rule in FAILURE_RULES for exception in rule.exceptions
)


def http_failure_rule(error: BaseException) -> FailureRule:
    """The rule for an exception in :data:`HTTP_FAILURES`."""
    for rule in FAILURE_RULES:
        if isinstance(error, rule.exceptions):
            return rule
    raise LookupError(f"No fetch error code for {type(error).__name__}") from error


def explain_browser_failure(error: BaseException, failure: Failure) -> tuple[FetchError, str]:
    """Code and sentence for a failed Chromium navigation (after the proxy had its say)."""
    text = str(error)
    searched = f"{type(error).__name__}: {text}"
    for rule in FAILURE_RULES:
        if any(marker in searched for marker in rule.chromium_markers):
            return rule.code, rule.explain(error, failure)
    first_line = text.strip().splitlines()[-1] if text.strip() else type(error).__name__
    return FetchError.BROWSER, f"Chromium could not render {failure.url}: {first_line}"
