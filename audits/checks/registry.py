"""The one list of SEO checks that the analyser, scorer, report, PDF and docs all read.

A check is a small unit: its metadata (a :class:`Check`) beside the function that decides,
registered with :func:`register` in one of the modules in :data:`CHECK_MODULES`::

    @register(
        id="missing-h1",
        category="onpage",
        severity="warning",
        weight=3,
        applies_to="indexable",
        title=gettext_lazy("Page has an H1 heading"),
        failure_title=gettext_lazy("Page has no H1 heading"),
        why=gettext_lazy("..."),
        how_to_fix=gettext_lazy("..."),
    )
    def missing_h1(page: CheckedPage) -> list[str]:
        return [] if page.h1 else ["no <h1>"]

Page checks (``scope="page"``) take a :class:`~audits.checks.page.CheckedPage` (the page's
facts, no database row) and return one detail string per problem (empty list: the page
passes). Every check states ``applies_to``, the pages it judges (see :data:`APPLIES_TO`), so
no check body repeats the "is this an error page" test: what a page says (its title, text,
links, markup) is judged on indexable 2xx HTML pages only, or every 404 would count as a page
without a description. Site checks (``scope="site"``, ``applies_to="site"``) take
``(scan, site)`` and yield ``(page_id, detail)`` pairs (``page_id`` None for the whole site);
they query the stored rows and pick the ones they judge in SQL (audits.checks.queries).

The texts are lazy English msgids (``gettext_lazy``, or ``format_lazy`` around one when a
threshold goes into the text); :meth:`Check.text` renders them in the reader's language at
read time, and the translations live in ``locale/<language>/LC_MESSAGES/django.po``, so a new
language is a new catalogue, not an edit to every check.

Checks whose ``lighthouse`` flag is set use the id of a Lighthouse 12 SEO-category audit and
its exact pass/fail rule; ``covers`` names the SEOnaut issue types a check stands for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils import translation
from django.utils.functional import Promise

from audits.vocabulary import Category, Severity

# The values a check may declare; their order and labels live in audits.vocabulary.
CATEGORIES: Final = tuple(Category.values)
SEVERITIES: Final = tuple(Severity.values)
SCOPES: Final = ("page", "site")
TEXT_NAMES: Final = ("title", "failure_title", "why", "how_to_fix")
APPLIES_TO: Final = {
    "any": "every crawled URL, fetched or not",
    "response": "URLs that answered with an HTTP status (about the URL or the response)",
    "indexable": "indexable 2xx HTML pages (see audits.checks.indexability.is_indexable)",
    "site": "the whole site: site checks, SQL over the stored pages and the site facts",
}
# Which ``applies_to`` values each scope may use.
SCOPE_APPLIES_TO: Final = {"page": ("any", "response", "indexable"), "site": ("site",)}
# Imported on first use of the registry; each registers its checks.
CHECK_MODULES: Final = (
    "audits.checks.indexing",
    "audits.checks.canonical",
    "audits.checks.content",
    "audits.checks.links",
    "audits.checks.i18n",
    "audits.checks.social",
    "audits.checks.security",
    "audits.checks.technical",
    "audits.checks.rendering",
)

# A lazy English msgid (gettext_lazy, or format_lazy around one).
Text = Promise


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    category: str
    severity: str
    weight: int
    title: Text
    failure_title: Text
    why: Text
    how_to_fix: Text
    applies_to: str
    evaluate: Callable[..., Any] = field(repr=False)
    scope: str = "page"
    lighthouse: bool = False
    covers: tuple[str, ...] = ()
    # About the URL itself (its redirects), not the document it leads to: see runner.py.
    per_url: bool = False

    def text(self, name: str, language: str = "en") -> str:
        """One of the texts (``title``, ``failure_title``, ``why``, ``how_to_fix``)."""
        text: Text = getattr(self, name)
        with translation.override(language):
            return str(text)

    @property
    def module(self) -> str:
        return self.evaluate.__module__.rsplit(".", 1)[-1]


_REGISTRY: dict[str, Check] = {}
_loaded = False


def register(
    *,
    id: str,
    category: str,
    severity: str,
    weight: int,
    title: Text,
    failure_title: Text,
    why: Text,
    how_to_fix: Text,
    applies_to: str,
    scope: str = "page",
    lighthouse: bool = False,
    covers: tuple[str, ...] = (),
    per_url: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the logic of a check with this metadata."""

    def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
        check = Check(
            id=id,
            category=category,
            severity=severity,
            weight=weight,
            title=title,
            failure_title=failure_title,
            why=why,
            how_to_fix=how_to_fix,
            evaluate=function,
            scope=scope,
            lighthouse=lighthouse,
            applies_to=applies_to,
            covers=covers,
            per_url=per_url,
        )
        _validate(check)
        _REGISTRY[id] = check
        return function

    return decorator


def _validate(check: Check) -> None:
    problems = []
    if check.id in _REGISTRY and _REGISTRY[check.id].evaluate is not check.evaluate:
        problems.append("the id is taken")
    if check.category not in CATEGORIES:
        problems.append(f"category must be one of {CATEGORIES}")
    if check.severity not in SEVERITIES:
        problems.append(f"severity must be one of {SEVERITIES}")
    if check.scope not in SCOPES:
        problems.append(f"scope must be one of {SCOPES}")
    allowed = SCOPE_APPLIES_TO.get(check.scope, ())
    if check.applies_to not in allowed:
        problems.append(f"applies_to of a {check.scope} check must be one of {allowed}")
    if check.weight < 1:
        problems.append("weight must be at least 1")
    for name in TEXT_NAMES:
        text = getattr(check, name)
        if not isinstance(text, Promise):
            problems.append(f"{name} must be a gettext_lazy text, rendered at read time")
            continue
        if not str(text).strip():
            problems.append(f"{name} needs an English text")
    if problems:
        raise ValueError(f"Check {check.id!r}: " + "; ".join(problems))


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        for module in CHECK_MODULES:
            importlib.import_module(module)
        _loaded = True


def all_checks() -> list[Check]:
    """Every registered check, in registration order (module by module)."""
    _ensure_loaded()
    return list(_REGISTRY.values())


def page_checks() -> list[Check]:
    return [check for check in all_checks() if check.scope == "page"]


def site_checks() -> list[Check]:
    return [check for check in all_checks() if check.scope == "site"]


def get_check(check_id: str) -> Check:
    """The check with this id; ``KeyError`` if there is none."""
    _ensure_loaded()
    return _REGISTRY[check_id]
