"""The words findings are told in: severities and categories, their order and their labels.

This module is the one source of those facts. The check registry accepts only these values,
findings store them, and every list, filter, chart, PDF and CSV orders and names them through
the functions below, never through a tuple or a dict of its own. The order of the members is
the order customers see: most severe first, and categories as the report presents them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    WARNING = "warning", _("Warning")
    NOTICE = "notice", _("Notice")


class Category(models.TextChoices):
    ONPAGE = "onpage", _("On-page")
    TECHNICAL = "technical", _("Technical")
    CONTENT = "content", _("Content")
    LINKS = "links", _("Links")
    SOCIAL = "social", _("Social")
    PERFORMANCE = "performance", _("Performance")


def severity_rank(severity: str) -> int:
    """0 for the most severe; a value no longer known (stored by an older release) sorts last."""
    try:
        return Severity.values.index(severity)
    except ValueError:
        return len(Severity.values)


def worse_severity(first: str, second: str) -> str:
    """The more severe of two: a check stored with two severities is listed at the worse."""
    return second if severity_rank(second) < severity_rank(first) else first


def severity_rank_expression(field: str = "severity") -> models.Case:
    """:func:`severity_rank` in SQL, to pick a page's worst finding in a subquery."""
    return models.Case(
        *(
            models.When(**{field: key}, then=models.Value(rank))
            for rank, key in enumerate(Severity.values)
        ),
        default=models.Value(len(Severity.values)),
        output_field=models.IntegerField(),
    )


def severity_label(severity: str) -> str:
    """The translated name, or the stored value made readable when it is no longer known."""
    if severity in Severity.values:
        return str(Severity(severity).label)
    return severity.capitalize()


def category_label(category: str) -> str:
    if category in Category.values:
        return str(Category(category).label)
    return category.replace("_", " ").capitalize()


class Labelled:
    """For a row with ``severity`` and ``category`` fields: their names, for templates."""

    __slots__ = ()
    severity: str
    category: str

    @property
    def severity_label(self) -> str:
        return severity_label(self.severity)

    @property
    def category_label(self) -> str:
        return category_label(self.category)


def categories_in_order(keys: Iterable[str] = (), *, every_known: bool = False) -> list[str]:
    """``keys`` as the report lists categories: the known ones in their order, then any others
    by name; with ``every_known``, each known category is there even if ``keys`` lacks it."""
    keys = set(keys)
    known = [key for key in Category.values if every_known or key in keys]
    return known + sorted(keys - set(Category.values))
