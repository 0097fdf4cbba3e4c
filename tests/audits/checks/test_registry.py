"""The registry refuses incomplete checks; docs/checks.md matches it; page checks are fast."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, trans_real

from audits.checks import all_checks, get_check
from audits.checks.reference import checks_markdown
from audits.checks.registry import TEXT_NAMES, register
from audits.management.commands.checks_doc import checks_doc_path

TEXT = gettext_lazy("Text")


def metadata(**overrides) -> dict:
    return {
        "id": "test-check",
        "category": "onpage",
        "severity": "warning",
        "weight": 1,
        "title": TEXT,
        "failure_title": TEXT,
        "why": TEXT,
        "how_to_fix": TEXT,
        "applies_to": "indexable",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": "speed"}, "category must be one of"),
        ({"severity": "major"}, "severity must be one of"),
        ({"weight": 0}, "weight must be at least 1"),
        ({"why": gettext_lazy(" ")}, "why needs an English text"),
        ({"how_to_fix": "Do it."}, "how_to_fix must be a gettext_lazy text"),
        ({"applies_to": "everything"}, "applies_to of a page check must be one of"),
        ({"scope": "site", "applies_to": "indexable"}, "applies_to of a site check must be"),
        ({"id": "document-title"}, "the id is taken"),
    ],
)
def test_register_refuses_incomplete_checks(overrides, message):
    with pytest.raises(ValueError, match=message):
        register(**metadata(**overrides))(lambda page: [])


def test_get_check_and_texts_per_language():
    check = get_check("missing-h1")

    assert check.text("failure_title", "nl") == "Pagina heeft geen H1-kop"
    assert check.text("failure_title", "de") == "Page has no H1 heading"  # falls back to EN
    assert (
        get_check("title-too-short")
        .text("how_to_fix", "nl")
        .startswith("Schrijf een titel van 20 tot 60 tekens")
    )
    with pytest.raises(KeyError):
        get_check("no-such-check")


def _msgid(text) -> str:
    # A lazy text's first argument is its msgid, or (format_lazy) the lazy msgid it formats.
    while isinstance(text, Promise):
        text = text._args[0]
    return text


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_every_check_text_is_translated_in_the_catalogue(language):
    # The compiled catalogue holds neither fuzzy nor empty translations: msgfmt leaves them out.
    catalogue = trans_real.translation(language)._catalog
    missing = [
        f"{check.id}.{name}: {_msgid(getattr(check, name))!r}"
        for check in all_checks()
        for name in TEXT_NAMES
        if not catalogue.get(_msgid(getattr(check, name)))
    ]

    assert not missing, f"no {language} translation for:\n" + "\n".join(missing)


def test_committed_checks_doc_is_up_to_date():
    assert checks_doc_path().read_text(encoding="utf-8") == checks_markdown(), (
        "docs/checks.md is stale: run `python manage.py checks_doc`"
    )
    call_command("checks_doc", "--check")


def test_checks_doc_command_reports_a_stale_file(tmp_path, monkeypatch):
    stale = tmp_path / "checks.md"
    stale.write_text("old", encoding="utf-8")
    monkeypatch.setattr("audits.management.commands.checks_doc.checks_doc_path", lambda: stale)

    with pytest.raises(CommandError, match="out of date"):
        call_command("checks_doc", "--check")
    call_command("checks_doc")
    assert stale.read_text(encoding="utf-8") == checks_markdown()
