"""Customer dashboard: support tickets."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vivaseo_site.core.ratelimits import action_rate_limit
from vivaseo_site.dashboard import customer_view, paginate

from . import services
from .forms import ReplyForm, TicketForm
from .models import SupportTicket
from .selectors import tickets_for_user


@customer_view
def ticket_list(request):
    page = paginate(request, tickets_for_user(user=request.user))
    return render(
        request,
        "dashboard/support/list.html",
        {"page_obj": page, "tickets": page.object_list, "nav": "support"},
    )


@customer_view
def ticket_create(request):
    initial = {}
    if scan_id := request.GET.get("scan"):
        initial["scan"] = scan_id
    form = TicketForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        if limited := action_rate_limit(request=request, action="ticket_create"):
            # The form comes back filled in, so the question is not lost.
            messages.error(request, limited)
            status = 429
        else:
            try:
                ticket = services.ticket_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("scan", error)
            else:
                messages.success(
                    request, _("Thanks, we received your question and will reply by email.")
                )
                return redirect("dashboard:ticket_detail", pk=ticket.pk)
    return render(
        request, "dashboard/support/new.html", {"form": form, "nav": "support"}, status=status
    )


@customer_view
def ticket_detail(request, pk: int):
    try:
        ticket = tickets_for_user(user=request.user).get(pk=pk)
    except SupportTicket.DoesNotExist as error:
        raise Http404 from error
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.ticket_reply_add(
            ticket=ticket,
            author=request.user,
            message=form.cleaned_data["message"],
            from_staff=False,
        )
        messages.success(request, _("Your reply was sent."))
        return redirect("dashboard:ticket_detail", pk=ticket.pk)
    return render(
        request,
        "dashboard/support/detail.html",
        {
            "ticket": ticket,
            "replies": ticket.replies.select_related("author"),
            "form": form,
            "nav": "support",
        },
    )
