"""The crawler's fetch layer: one URL in, one :class:`FetchResult` out, never an exception.

Two fetchers return the same result shape:

* :class:`HttpFetcher` (the default, :mod:`.http`) is built on crawl4ai's
  ``AsyncHTTPCrawlerStrategy`` (its session lifecycle, base headers and ``HTTPCrawlerConfig``)
  through ``VettedHTTPCrawlerStrategy``, which follows redirects itself, hop by hop, so every
  hop is vetted for SSRF and recorded with its status code.
* :class:`BrowserFetcher` (for "render JavaScript", :mod:`.browser`) drives Debian's Chromium
  through crawl4ai's ``AsyncPlaywrightCrawlerStrategy`` over CDP, with every browser request
  going through :class:`~audits.engine.safety.VettingProxy`. It renders in a pool of reused
  tabs and judges a page by its document: what the document loads gets the bounded wait of
  :mod:`.render`, and what never came is counted, not turned into a timeout.

:mod:`.results` holds the result shape and its error codes; :mod:`.errors` is the one table
from a failure to its code and explanation. crawl4ai is imported lazily (it takes seconds and
touches the disk): call :func:`prepare_crawl4ai_env` first, which the fetchers do for you.
Pure Python, no Django.
"""

from .browser import (
    CHROMIUM_PATH_ENV,
    DEFAULT_CHROMIUM_PATHS,
    BrowserFetcher,
    _chromium_arguments,
    find_chromium,
)
from .crawl4ai_env import CACHE_DIR_ENV, prepare_crawl4ai_env
from .errors import FAILURE_RULES, FailureRule
from .http import ACCEPT_ENCODING, REDIRECT_BODY_LIMIT, HttpFetcher, preload_crawl4ai
from .results import (
    DEFAULT_USER_AGENT,
    REDIRECT_STATUSES,
    SUPPORTED_SCHEMES,
    FetchError,
    FetchResult,
    RedirectHop,
    TlsInfo,
)

__all__ = [
    "ACCEPT_ENCODING",
    "CACHE_DIR_ENV",
    "CHROMIUM_PATH_ENV",
    "DEFAULT_CHROMIUM_PATHS",
    "DEFAULT_USER_AGENT",
    "FAILURE_RULES",
    "REDIRECT_BODY_LIMIT",
    "REDIRECT_STATUSES",
    "SUPPORTED_SCHEMES",
    "BrowserFetcher",
    "FailureRule",
    "FetchError",
    "FetchResult",
    "HttpFetcher",
    "RedirectHop",
    "TlsInfo",
    "_chromium_arguments",
    "find_chromium",
    "prepare_crawl4ai_env",
    "preload_crawl4ai",
]
