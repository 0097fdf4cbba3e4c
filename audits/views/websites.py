"""Customer dashboard: the user's websites. Views stay thin; the work is in
audits.services.websites."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from audits.forms import ScanStartForm, WebsiteAddForm, WebsiteEditForm
from audits.models import Website
from audits.selectors import reports as report_selectors
from audits.selectors import websites as website_selectors
from audits.services import websites
from audits.views.contexts import score_history_context
from billing.selectors import LimitReached, may, usage_this_period, user_plan
from vivaseo_site.core.ratelimits import action_rate_limit
from vivaseo_site.dashboard import (
    UPGRADE_TAG,
    customer_view,
    paginate,
    plan_limit_message,
    post_only,
)


def _website_or_404(request, pk: int) -> Website:
    return get_object_or_404(Website, user=request.user, pk=pk)


@customer_view
def website_list(request):
    page = paginate(request, website_selectors.websites_for_user(user=request.user))
    return render(
        request,
        "dashboard/websites/list.html",
        {"page_obj": page, "websites": page.object_list, "nav": "websites"},
    )


@customer_view
def website_add(request):
    plan = user_plan(request.user)
    if refused := may(request.user, "add_website", plan=plan).message:
        # The plan's websites are all in use: say so before anyone fills in the form.
        return _website_add_page(request, None, refused=refused)
    form = WebsiteAddForm(request.POST or None, limits=plan.limits)
    if request.method == "POST" and form.is_valid():
        # Counted before the DNS lookup: failed attempts cost us a lookup too.
        if limited := action_rate_limit(request=request, action="website_add"):
            messages.error(request, limited)
            return _website_add_page(request, form, status=429)
        try:
            created = websites.website_create(
                user=request.user,
                url=form.cleaned_data["url"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                max_pages=form.cleaned_data["max_pages"],
                render_js=form.cleaned_data["render_js"],
            )
        except LimitReached as error:
            plan_limit_message(request, error)
        except ValidationError as error:
            form.add_error("url", error)
        else:
            if created.scan is not None:
                messages.success(
                    request,
                    _("%(site)s was added. Its first audit has started.")
                    % {"site": created.website},
                )
                return redirect("dashboard:scan_detail", pk=created.scan.pk)
            messages.warning(request, created.audit_problem, extra_tags=UPGRADE_TAG)
            return redirect("dashboard:website_detail", pk=created.website.pk)
    return _website_add_page(request, form)


def _website_add_page(
    request, form: WebsiteAddForm | None, *, status: int = 200, refused: str = ""
):
    return render(
        request,
        "dashboard/websites/add.html",
        {
            "form": form,
            "refused": refused,
            "usage": usage_this_period(request.user),
            "nav": "websites",
        },
        status=status,
    )


@customer_view
def website_detail(request, pk: int):
    try:
        website = website_selectors.website_for_user(user=request.user, pk=pk)
    except Website.DoesNotExist as error:
        raise Http404 from error
    scans = paginate(
        request,
        report_selectors.scans_with_previous(website_selectors.scans_for_website(website=website)),
    )
    return render(
        request,
        "dashboard/websites/detail.html",
        {
            "website": website,
            "page_obj": scans,
            "scans": scans.object_list,
            "trend": website_selectors.score_trend(website.latest_score, website.previous_score),
            "start_form": ScanStartForm(limits=user_plan(request.user).limits),
            "nav": "websites",
        }
        | score_history_context(website=website),
    )


@customer_view
def website_edit(request, pk: int):
    website = _website_or_404(request, pk)
    form = WebsiteEditForm(
        request.POST or None,
        initial={"name": website.name, "description": website.description},
    )
    if request.method == "POST" and form.is_valid():
        websites.website_update(website=website, **form.cleaned_data)
        messages.success(request, _("Your changes were saved."))
        return redirect("dashboard:website_detail", pk=website.pk)
    return render(
        request,
        "dashboard/websites/edit.html",
        {"form": form, "website": website, "nav": "websites"},
    )


@customer_view
def website_set_active(request, pk: int):
    website = _website_or_404(request, pk)
    if refused := post_only(request):
        return refused
    is_active = request.POST.get("active") == "1"
    websites.website_set_active(website=website, is_active=is_active)
    if is_active:
        messages.success(request, _("%(site)s is active again.") % {"site": website})
    else:
        messages.success(
            request,
            _("%(site)s is deactivated: it keeps its history but is not audited.")
            % {"site": website},
        )
    return redirect("dashboard:website_detail", pk=website.pk)


@customer_view
def website_delete(request, pk: int):
    website = _website_or_404(request, pk)
    if request.method == "POST":
        name = str(website)
        websites.website_delete(website=website)
        messages.success(request, _("%(site)s and all its audits were deleted.") % {"site": name})
        return redirect("dashboard:website_list")
    return render(
        request,
        "dashboard/websites/delete.html",
        {"website": website, "scan_count": website.scans.count(), "nav": "websites"},
    )
