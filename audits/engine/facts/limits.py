"""What a page's facts are capped at, and how a page that was too complex is named."""

from __future__ import annotations

from typing import Final

# Bigger bodies are cut: Googlebot itself only reads the first 15 MB of an HTML file.
MAX_BODY_BYTES: Final = 15 * 1024 * 1024


# Titles, descriptions, headings. Real descriptions can run past 1,000 characters (shops paste
# whole product texts); the cap only stops hostile pages.
MAX_TEXT_CHARS: Final = 10_000


MAX_LINK_TEXT_CHARS: Final = 200


# The crawl frontier wants every link; these only stop hostile pages (a page's links cross to
# the scan's process and become link rows, so they are capped in number and in characters).
MAX_LINKS: Final = 10_000


MAX_LINK_CHARS: Final = 1_000_000  # URL + href + text of the links kept


MAX_HEADINGS: Final = 500


MAX_IMAGES: Final = 200


MAX_PROBLEMS: Final = 200


MAX_URLS: Final = 100  # mixed content, insecure forms


MAX_JSONLD_TYPES: Final = 100


MAX_JSONLD_BLOCKS: Final = 100  # decoded; more are counted only


# Parsing costs 1-20 ms of CPU for a real page and ~1.1 s for 5 MB of 100,000 nested <div>s;
# 5 MB of hostile markup took minutes before the guards below. Past this much CPU time (of
# the parsing thread) a page is "too complex to analyse".
PAGE_CPU_BUDGET_SECONDS: Final = 1.5


# Pages with more start tags are too complex to analyse without parsing them (Lighthouse
# already warns past 1,400 DOM elements; HTML5 parsing costs up to ~7 us per element).
MAX_ELEMENTS: Final = 200_000


# How parse_error reads for such a page: "too_complex: elements=250000" (more start tags than
# MAX_ELEMENTS) or "too_complex: cpu_seconds=1.5" (the CPU budget ran out).
TOO_COMPLEX: Final = "too_complex"


TOO_MANY_ELEMENTS: Final = "elements"


OUT_OF_CPU: Final = "cpu_seconds"
