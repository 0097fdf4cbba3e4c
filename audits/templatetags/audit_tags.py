"""Template helpers of the customer dashboard that speak audits' vocabulary: score bands and
trends, status and severity labels. ``{% load audit_tags %}``; the generic helpers are
``{% load dashboard %}`` (vivaseo_site/core/templatetags/dashboard.py)."""

from django import template

from audits import charts, vocabulary
from audits.models import SEOScan
from audits.selectors.websites import score_trend

register = template.Library()


@register.filter
def trend(website) -> str:
    """ "up", "down", "flat" or "" for a website from `websites_for_user`."""
    return score_trend(
        getattr(website, "latest_score", None), getattr(website, "previous_score", None)
    )


@register.filter
def score_band(score) -> str:
    """charts.score_band for templates, which may pass "" for a missing score."""
    return charts.score_band(None if score in (None, "") else int(score))


@register.filter
def scan_status_label(status: str) -> str:
    """The translated name of an SEOScan status value."""
    return dict(SEOScan.Status.choices).get(status, status)


@register.filter
def severity_label(severity: str) -> str:
    """The translated name of a severity (audits.vocabulary)."""
    return vocabulary.severity_label(severity)
