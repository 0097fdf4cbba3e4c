"""The SEO checks: one registry of small self-describing units, and the code that runs them.

See :mod:`audits.checks.registry` for what a check is, :mod:`audits.checks.runner` for how the
crawler runs them, and ``docs/checks.md`` for the list.
"""

from audits.checks.page import CheckedPage
from audits.checks.registry import Check, all_checks, get_check, register
from audits.checks.runner import FindingResult, page_checks_run, run_page_checks, run_site_checks

__all__ = [
    "Check",
    "CheckedPage",
    "FindingResult",
    "all_checks",
    "get_check",
    "page_checks_run",
    "register",
    "run_page_checks",
    "run_site_checks",
]
