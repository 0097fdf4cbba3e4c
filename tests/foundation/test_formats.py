"""One readable date format per language: 2 December 2026 / 2 december 2026, never 12/02/2026."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

from audits.models import SEOScan
from tests.dashboard.factories import ReportFactory

# 14:05 on 2 December 2026 in the site's time zone (Europe/Amsterdam, UTC+1 in winter).
MOMENT = datetime.datetime(2026, 12, 2, 13, 5, tzinfo=datetime.UTC)
EXPECTED = {
    "en": ("2 December 2026", "2 December 2026, 14:05"),
    "nl": ("2 december 2026", "2 december 2026, 14:05"),
}
ALL_NUMBER_DATE = re.compile(r"\b\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\b")
NAMED_FORMATS = {
    "DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT",
    "c",  # ISO 8601 for machines (<time datetime="...">), never shown
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_named_format_gives_the_one_readable_date(language):
    date_text, datetime_text = EXPECTED[language]
    local = MOMENT.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    with translation.override(language):
        assert formats.date_format(local, "DATE_FORMAT") == date_text
        assert formats.date_format(local, "SHORT_DATE_FORMAT") == date_text
        assert formats.date_format(local, "DATETIME_FORMAT") == datetime_text
        assert formats.date_format(local, "SHORT_DATETIME_FORMAT") == datetime_text
        assert formats.time_format(local, "TIME_FORMAT") == "14:05"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_date_filter_in_templates_uses_the_language_and_the_24_hour_clock(language):
    date_text, datetime_text = EXPECTED[language]
    template = Template(
        '{{ moment|date:"SHORT_DATE_FORMAT" }}|{{ moment|date:"DATETIME_FORMAT" }}|{{ moment }}'
    )
    with translation.override(language):
        rendered = template.render(Context({"moment": MOMENT}))
    assert rendered == f"{date_text}|{datetime_text}|{datetime_text}"


def _template_files():
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(p for p in root.rglob("*") if p.suffix in {".html", ".txt", ".svg"})


def test_templates_name_a_format_instead_of_spelling_one_out():
    """A literal format (|date:"m/d/Y") would bypass the language's format; so would strftime."""
    literal = []
    for path in _template_files():
        text = path.read_text()
        for match in re.finditer(r"\|(?:date|time):\s*[\"']([^\"']*)[\"']", text):
            if match.group(1) not in NAMED_FORMATS:
                literal.append(f"{path.name}: {match.group(0)}")
        if "strftime" in text:
            literal.append(f"{path.name}: strftime")
    assert literal == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl"])
def test_dashboard_pages_show_dates_in_words(client, make_user, language):
    user = make_user(email=f"{language}@example.com", preferred_language=language)
    report = ReportFactory(scan__website__user=user)
    SEOScan.objects.filter(pk=report.scan_id).update(
        created=MOMENT, started_at=MOMENT, completed_at=MOMENT
    )
    client.force_login(user)
    date_text, datetime_text = EXPECTED[language]
    website_page = client.get(f"/{language}/app/websites/{report.scan.website_id}/")
    audit_page = client.get(f"/{language}/app/audits/{report.scan_id}/")
    for response in (website_page, audit_page):
        html = response.content.decode()
        assert response.status_code == 200
        assert datetime_text in html
        assert ALL_NUMBER_DATE.search(html) is None, ALL_NUMBER_DATE.search(html).group(0)
    assert f"{date_text}</span>" in audit_page.content.decode()  # the breadcrumb
