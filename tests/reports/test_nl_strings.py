"""tests/reports/nl_strings.json has Dutch for every interface string of the report modules.

The lead merges the file into locale/nl/LC_MESSAGES/django.po; this test keeps it complete.
Strings are found the way makemessages finds them: gettext calls in the Python modules, and
{% translate %} / {% blocktranslate %} in the template (through Django's templatize).
"""

import ast
import json
import re
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

from .conftest import NL_STRINGS

PYTHON_FILES = [
    "audits/vocabulary.py",
    "audits/charts.py",
    "audits/selectors/comparison.py",
    "audits/selectors/exports.py",
    "audits/services/pdf.py",
]
TEMPLATES = [
    "templates/reports/pdf.html",
    "templates/charts/category_bars.svg",
    "templates/charts/score_trend.svg",
]
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext", "ngettext_lazy"}
PLURAL = {"ngettext", "ngettext_lazy"}


def python_msgids(path: Path) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in GETTEXT and node.args and isinstance(node.args[0], ast.Constant):
            plural = node.args[1].value if name in PLURAL else None
            found[node.args[0].value] = plural
    return found


def template_msgids(path: Path) -> dict[str, str | None]:
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    found: dict[str, str | None] = {}
    string = r"u?'((?:[^'\\]|\\.)*)'"
    for match in re.finditer(rf"\b(n?)gettext\({string}(?:, {string})?", source):
        msgid = ast.literal_eval(f"'{match.group(2)}'")
        found[msgid] = ast.literal_eval(f"'{match.group(3)}'") if match.group(1) else None
    return found


def all_msgids() -> dict[str, str | None]:
    base = Path(settings.BASE_DIR)
    found: dict[str, str | None] = {}
    for name in PYTHON_FILES:
        found |= python_msgids(base / name)
    for name in TEMPLATES:
        found |= template_msgids(base / name)
    return found


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


def test_every_report_string_has_a_dutch_translation():
    dutch = json.loads(NL_STRINGS.read_text(encoding="utf-8"))
    msgids = all_msgids()

    assert sorted(set(msgids) - set(dutch)) == []
    for msgid, plural in msgids.items():
        entry = dutch[msgid]
        if plural is None:
            assert isinstance(entry, str) and entry.strip(), msgid
            assert placeholders(entry) == placeholders(msgid), msgid
        else:
            assert entry["msgid_plural"] == plural, msgid
            assert len(entry["msgstr"]) == 2, msgid
            for form in entry["msgstr"]:
                assert placeholders(form) <= placeholders(msgid) | placeholders(plural), msgid


def test_no_stale_entries():
    dutch = json.loads(NL_STRINGS.read_text(encoding="utf-8"))

    assert sorted(set(dutch) - set(all_msgids())) == []
