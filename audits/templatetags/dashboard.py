"""Template helpers of the customer dashboard."""

from django import template

from audits.website_selectors import score_trend

register = template.Library()


@register.filter
def trend(website) -> str:
    """ "up", "down", "flat" or "" for a website from `websites_for_user`."""
    return score_trend(
        getattr(website, "latest_score", None), getattr(website, "previous_score", None)
    )


@register.filter
def score_band(score) -> str:
    """ "good" (90+), "fair" (50-89) or "poor", as the Lighthouse colours; "" for no score."""
    if score is None or score == "":
        return ""
    score = int(score)
    if score >= 90:
        return "good"
    if score >= 50:
        return "fair"
    return "poor"


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current query string with ``page`` set to ``number`` (keeps filters)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return query.urlencode()


@register.filter
def scan_status_label(status: str) -> str:
    """The translated name of an SEOScan status value."""
    from audits.models import SEOScan

    return dict(SEOScan.Status.choices).get(status, status)


@register.filter
def severity_label(severity: str) -> str:
    from audits.models import Finding

    return dict(Finding.Severity.choices).get(severity, severity)
