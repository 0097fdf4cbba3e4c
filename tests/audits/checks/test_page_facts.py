"""Page checks run on a page's facts alone: parse_page -> checked_page_build -> page_checks_run.

No test here has the django_db mark: pytest-django refuses any query, so these prove the
editor's preview (a page that is only being edited) can be checked without a scan or a row.
"""

from __future__ import annotations

from audits.checks import CheckedPage, get_check, page_checks_run
from audits.details import detail_item, details_render
from tests.audits.checks.helpers import checked_page, clean_page, failed_checks


def test_page_checks_run_on_parsed_facts_without_a_database():
    page = checked_page(clean_page(title=None, h1=None))

    assert isinstance(page, CheckedPage)
    results = page_checks_run(page)
    by_id = {result.check_id: result for result in results}
    assert {"document-title", "missing-h1"} <= set(by_id)
    # What a preview shows is rendered in the reader's language.
    (detail,) = by_id["missing-h1"].details
    assert details_render([detail_item(detail)], language="en") == "no <h1>"
    assert details_render([detail_item(detail)], language="nl") == "geen <h1>"
    assert by_id["missing-h1"].check.text("failure_title", "nl") == "Pagina heeft geen H1-kop"


def test_a_clean_page_passes_every_page_check_on_its_facts():
    assert failed_checks(checked_page(clean_page())) == set()


def test_an_error_page_runs_only_the_checks_that_apply_to_it():
    # No <h1> fails an indexable page only; an error page is not indexable.
    page = checked_page(clean_page(h1=None), status_code=404)

    assert get_check("missing-h1").applies_to == "indexable"
    assert failed_checks(page) == {"http-status-code"}
