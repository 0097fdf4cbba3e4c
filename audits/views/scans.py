"""Customer dashboard: one audit and its live progress; start, retry and cancel audits.

A completed audit's page is the overview of its report (audits.views.report, templates under
``dashboard/report/``, which extend ``dashboard/scans/detail.html`` through its ``report``
block).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from audits.forms import ScanStartForm
from audits.models import SEOScan, Website
from audits.selectors import reports as report_selectors
from audits.services import websites
from audits.services.scans import scan_cancel
from audits.views.contexts import overview_context, scan_or_404
from billing.selectors import LimitReached, user_plan
from vivaseo_site.core.ratelimits import action_rate_limit
from vivaseo_site.dashboard import UPGRADE_TAG, customer_view, plan_limit_message, post_only


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
    """The audit page: live progress, why it failed, or the overview of its report."""
    scan = scan_or_404(request, pk)
    report = report_selectors.scan_report(scan)
    if report is not None:
        context = overview_context(scan=scan, report=report)
        return render(request, "dashboard/report/overview.html", context)
    context = {
        "scan": scan,
        "website": scan.website,
        "nav": "websites",
        "status": scan_status_payload(scan),
    }
    if scan.status in (SEOScan.Status.FAILED, SEOScan.Status.CANCELLED):
        context["retry_form"] = ScanStartForm(
            initial={"max_pages": scan.max_pages, "render_js": scan.render_js},
            limits=user_plan(request.user).limits,
        )
    return render(request, "dashboard/scans/detail.html", context)


@never_cache
@customer_view
def scan_status(request, pk: int):
    return JsonResponse(scan_status_payload(scan_or_404(request, pk)))


@customer_view
def scan_start(request, pk: int):
    """Start an audit of website ``pk`` (also the retry of a failed audit)."""
    website = get_object_or_404(Website, user=request.user, pk=pk)
    if refused := post_only(request):
        return refused
    form = ScanStartForm(request.POST, limits=user_plan(request.user).limits)
    if not form.is_valid():
        # A page limit the plan does not offer (a form from before a change of plan): the
        # field's help says what the plan allows.
        text = f"{_('Choose how many pages to audit.')} {form.fields['max_pages'].help_text}"
        messages.error(request, text, extra_tags=UPGRADE_TAG)
        return redirect("dashboard:website_detail", pk=website.pk)
    if limited := action_rate_limit(request=request, action="scan_start"):
        messages.error(request, limited)
        return redirect("dashboard:website_detail", pk=website.pk)
    try:
        scan = websites.website_scan_start(
            user=request.user,
            website=website,
            max_pages=form.cleaned_data["max_pages"],
            render_js=form.cleaned_data["render_js"],
        )
    except LimitReached as error:
        plan_limit_message(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if getattr(error, "code", None) == "already_running":
            # Also where a second quick click ends up (services.ScanAlreadyRunning): on the
            # audit the first click started.
            running = website.scans.filter(status__in=SEOScan.ACTIVE_STATUSES).first()
            if running is not None:
                return redirect("dashboard:scan_detail", pk=running.pk)
    else:
        messages.success(request, _("The audit has started."))
        return redirect("dashboard:scan_detail", pk=scan.pk)
    return redirect("dashboard:website_detail", pk=website.pk)


@customer_view
def scan_cancel_view(request, pk: int):
    scan = scan_or_404(request, pk)
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
