"""Customer dashboard: one audit, its live progress, and its headline results.

The full report (findings, pages, charts, PDF, exports) extends ``dashboard/scans/detail.html``
through its ``report`` block.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from vivaseo_site.dashboard import customer_view, post_only

from . import website_selectors, websites
from .forms import ScanStartForm
from .models import Finding, SEOScan, Website
from .services import QuotaExceeded, scan_cancel
from .templatetags.dashboard import score_band

CATEGORY_LABELS = {
    "onpage": gettext_lazy("On-page"),
    "technical": gettext_lazy("Technical"),
    "content": gettext_lazy("Content"),
    "links": gettext_lazy("Links"),
    "social": gettext_lazy("Social"),
    "performance": gettext_lazy("Performance"),
}
SEVERITY_ORDER = ("critical", "warning", "notice")
TOP_RECOMMENDATIONS = 10


def _scan_or_404(request, pk: int) -> SEOScan:
    try:
        return website_selectors.scan_for_user(user=request.user, pk=pk)
    except SEOScan.DoesNotExist as error:
        raise Http404 from error


def category_scores(report) -> list[dict]:
    """[{key, label, score, band}] in the registry's category order, then any others."""
    stored = report.category_scores or {}
    keys = [key for key in CATEGORY_LABELS if key in stored] + [
        key for key in stored if key not in CATEGORY_LABELS
    ]
    rows = []
    for key in keys:
        value = stored[key]
        score = value.get("score") if isinstance(value, dict) else value
        if score is None:
            continue
        rows.append(
            {
                "key": key,
                "label": CATEGORY_LABELS.get(key, key.replace("_", " ").capitalize()),
                "score": score,
                "band": score_band(score),
            }
        )
    return rows


def severity_counts(report) -> list[dict]:
    by_severity = (report.summary or {}).get("by_severity") or {}
    labels = dict(Finding.Severity.choices)
    return [
        {"key": key, "label": labels[key], "count": by_severity.get(key, 0)}
        for key in SEVERITY_ORDER
    ]


def scan_status_payload(scan: SEOScan) -> dict:
    return {
        "id": scan.pk,
        "status": scan.status,
        "status_label": scan.get_status_display(),
        "active": scan.is_active,
        "progress": scan.progress,
        "step": scan.progress_step,
        "pages_crawled": scan.pages_crawled,
        "cancel_requested": scan.cancel_requested,
    }


@never_cache
@customer_view
def scan_detail(request, pk: int):
    scan = _scan_or_404(request, pk)
    context = {
        "scan": scan,
        "website": scan.website,
        "nav": "websites",
        "status": scan_status_payload(scan),
    }
    report = getattr(scan, "report", None) if scan.status == SEOScan.Status.COMPLETED else None
    if report is not None:
        context |= {
            "report": report,
            "score_band": score_band(report.overall_score),
            "category_scores": category_scores(report),
            "severity_counts": severity_counts(report),
            "recommendations": website_selectors.report_recommendations(
                report, language=(get_language() or "en")[:2], limit=TOP_RECOMMENDATIONS
            ),
        }
    if scan.status in (SEOScan.Status.FAILED, SEOScan.Status.CANCELLED):
        context["retry_form"] = ScanStartForm(
            initial={"max_pages": scan.max_pages, "render_js": scan.render_js}
        )
    return render(request, "dashboard/scans/detail.html", context)


@never_cache
@customer_view
def scan_status(request, pk: int):
    return JsonResponse(scan_status_payload(_scan_or_404(request, pk)))


@customer_view
def scan_start(request, pk: int):
    """Start an audit of website ``pk`` (also the retry of a failed audit)."""
    website = get_object_or_404(Website, user=request.user, pk=pk)
    if refused := post_only(request):
        return refused
    form = ScanStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how many pages to audit."))
        return redirect("dashboard:website_detail", pk=website.pk)
    try:
        scan = websites.website_scan_start(
            user=request.user,
            website=website,
            max_pages=form.cleaned_data["max_pages"],
            render_js=form.cleaned_data["render_js"],
        )
    except QuotaExceeded as error:
        messages.error(request, " ".join(str(arg) for arg in error.args))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The audit has started."))
        return redirect("dashboard:scan_detail", pk=scan.pk)
    return redirect("dashboard:website_detail", pk=website.pk)


@customer_view
def scan_cancel_view(request, pk: int):
    scan = _scan_or_404(request, pk)
    if refused := post_only(request):
        return refused
    if scan.is_active:
        scan = scan_cancel(scan=scan, user=request.user)
        messages.info(
            request,
            _("The audit was cancelled.")
            if scan.status == SEOScan.Status.CANCELLED
            else _("The audit will stop in a moment."),
        )
    return redirect("dashboard:scan_detail", pk=scan.pk)
