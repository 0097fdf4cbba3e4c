"""Which pages each check judges: the registry walked check by check.

Every check states its ``applies_to`` rule. What a page says (title, description, headings,
text, images, links, markup) is judged on indexable 2xx HTML pages only; only checks about
the URL itself or its response judge error pages, redirects and URLs that never answered.
"""

from __future__ import annotations

import inspect

import pytest

from audits.checks.registry import SCOPE_APPLIES_TO, all_checks, page_checks, register
from audits.checks.runner import page_applicability
from tests.audits.checks.helpers import checked_page, clean_page, failed_checks
from tests.audits.checks.test_page_checks import CASES, PAGE

# The page checks that judge more than indexable pages, and why each must.
NOT_ONLY_INDEXABLE = {
    "is-crawlable": "any",  # a URL robots.txt blocks was never fetched, and that is the finding
    "http-status-code": "response",
    "redirect": "response",
    "redirect-chain": "response",
    "redirect-loop": "any",
    "timeout": "any",
    "fetch-failed": "any",
    "http-scheme": "response",  # about the URL's scheme
    "page-too-large": "response",  # about the response's size
    "page-too-complex": "response",  # the parser gave up: no facts for the other checks
}
# Pages that are not indexable 2xx HTML: none of them gets a content finding.
NOT_INDEXABLE = {
    "404": {"status_code": 404},
    "410": {"status_code": 410},
    "500": {"status_code": 500},
    "noindex header": {"headers": {"X-Robots-Tag": "noindex"}},
    "blocked by robots.txt": {"blocked_by_robots": True},
}


def test_register_needs_an_explicit_rule():
    assert inspect.signature(register).parameters["applies_to"].default is inspect.Parameter.empty


@pytest.mark.parametrize("check", all_checks(), ids=lambda check: check.id)
def test_each_check_states_the_rule_its_kind_needs(check):
    assert check.applies_to in SCOPE_APPLIES_TO[check.scope]
    if check.scope == "site":
        assert check.applies_to == "site"
    else:
        assert check.applies_to == NOT_ONLY_INDEXABLE.get(check.id, "indexable")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", NOT_INDEXABLE)
@pytest.mark.parametrize(
    "check",
    [check for check in page_checks() if check.applies_to == "indexable"],
    ids=lambda check: check.id,
)
def test_content_checks_stay_silent_on_pages_that_are_not_indexable(check, kind, build_page):
    failing = dict(CASES[check.id][0])
    url = failing.pop("url", PAGE)
    # The same page as an indexable 200 fails the check (test_page_checks), so silence here
    # is the rule at work, not a page without the problem.
    assert check.id in failed_checks(build_page(url=url, **failing))

    page = build_page(url=url, **(failing | NOT_INDEXABLE[kind]))

    assert check.id not in failed_checks(page)


def test_a_404_page_belongs_to_the_response_group_only():
    page = checked_page(clean_page(), status_code=404)

    assert page_applicability(page) == {"any": True, "response": True, "indexable": False}
    assert page_applicability(checked_page(clean_page())) == {
        "any": True,
        "response": True,
        "indexable": True,
    }
