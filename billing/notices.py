"""What billing tells a customer (in the app and by email) after a Stripe event.

Which notice an event deserves is decided from Stripe's current state, re-read by the
service; each notice is delivered once per subject (a subscription or an invoice), so an
event delivered twice, or two events saying the same thing, notify once.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from djstripe.models import Event, Subscription

from vivaseo_site.accounts.models import User
from vivaseo_site.accounts.selectors import verified_account_email
from vivaseo_site.core.languages import user_language
from vivaseo_site.core.links import absolute_url
from vivaseo_site.notifications.models import Notification
from vivaseo_site.notifications.services import Message, OutgoingEmail, notification_deliver

from .models import PlanLimits
from .selectors import PLAN_GIVING_STATUSES, may, subscription_product_ids, user_plan

WELCOME = "welcome"
TRIAL_STARTED = "trial_started"
RENEWED = "renewed"
PAYMENT_FAILED = "payment_failed"
TRIAL_ENDING = "trial_ending"
CANCELLED = "cancelled"
SCHEDULED_AUDIT_REFUSED = "scheduled_audit_refused"


def _plan_name(subscription: Subscription | None) -> str:
    products = subscription_product_ids(subscription) if subscription else []
    limits = PlanLimits.objects.filter(stripe_product_id__in=products).first()
    return limits.name if limits else _("paid")


def _texts(notice: str, plan: str) -> tuple[str, str, str]:
    """Title, text and the label of the link, in the active language."""
    names = {"plan": plan}
    if notice == WELCOME:
        return (
            _("Welcome to your %(plan)s plan") % names,
            _("Your %(plan)s plan is active: its limits apply from now on.") % names,
            _("See your subscription"),
        )
    if notice == TRIAL_STARTED:
        return (
            _("Your %(plan)s trial has started") % names,
            _("Enjoy everything in %(plan)s. We remind you before the trial ends.") % names,
            _("See your subscription"),
        )
    if notice == RENEWED:
        return (
            _("Your %(plan)s plan is renewed") % names,
            _("Thank you: your payment went through and your usage starts afresh.") % names,
            _("See your invoices"),
        )
    if notice == PAYMENT_FAILED:
        return (
            _("Your payment for %(plan)s failed") % names,
            _("We could not charge your payment method. Update it to keep your %(plan)s plan.")
            % names,
            _("Update your payment method"),
        )
    if notice == TRIAL_ENDING:
        return (
            _("Your %(plan)s trial ends soon") % names,
            _(
                "Your trial ends in a few days. Add a payment method to keep %(plan)s, "
                "or do nothing to return to the free plan."
            )
            % names,
            _("Manage your subscription"),
        )
    if notice == CANCELLED:
        return (
            _("Your %(plan)s plan has ended") % names,
            _(
                "Your subscription is cancelled and you are on the free plan now. "
                "You can upgrade again at any time."
            )
            % names,
            _("See the plans"),
        )
    raise ValueError(f"unknown billing notice {notice!r}")


def billing_message(*, user: User, notice: str, plan: str, subject: str, text: str = "") -> Message:
    """The notice ``notice`` about ``plan``, once per ``subject``, in the user's language
    (``text``, already in that language, replaces the notice's own)."""
    language = user_language(user)
    with translation.override(language):
        if notice == SCHEDULED_AUDIT_REFUSED:
            title, action_label = _("A scheduled audit was not started"), _("See the plans")
        else:
            # The catalogue's plan names are translated, as PlanLimits.display_name does.
            title, text, action_label = _texts(notice, _(plan))
        path = reverse("billing:subscription")
    recipient = verified_account_email(user=user)
    email = None
    if recipient:
        email = OutgoingEmail(
            to=recipient,
            template="billing_notice",
            context={
                "title": title,
                "text": text,
                "action_label": action_label,
                "action_url": absolute_url(path),
            },
        )
    return Message(
        kind=Notification.Kind.SUBSCRIPTION,
        title=title,
        text=text,
        language=language,
        action_url=path,
        priority=(
            Notification.Priority.HIGH if notice == PAYMENT_FAILED else Notification.Priority.MEDIUM
        ),
        metadata={"notice": notice, "subject": subject},
        once_per=("notice", "subject"),
        email=email,
    )


def _reference(value) -> str:
    return value.get("id", "") if isinstance(value, dict) else (value or "")


def event_notice(
    event: Event, subscriptions: dict[str, Subscription], invoice_status: str = ""
) -> tuple[str, str, Subscription | None] | None:
    """(notice, subject, subscription) an event deserves given Stripe's current state, or
    None. ``invoice_status`` is the re-read status of an invoice event's invoice."""
    obj = event.data.get("object") or {}
    if event.type in ("checkout.session.completed", "customer.subscription.created"):
        subscription_id = obj.get("id") if obj.get("object") == "subscription" else None
        subscription = subscriptions.get(subscription_id or _reference(obj.get("subscription")))
        if subscription is None or subscription.status not in PLAN_GIVING_STATUSES:
            return None
        notice = TRIAL_STARTED if subscription.status == "trialing" else WELCOME
        return notice, subscription.id, subscription
    if event.type in ("customer.subscription.updated", "customer.subscription.deleted"):
        subscription = subscriptions.get(obj.get("id"))
        if subscription is not None and subscription.status == "canceled":
            return CANCELLED, subscription.id, subscription
        return None
    if event.type == "customer.subscription.trial_will_end":
        subscription = subscriptions.get(obj.get("id"))
        if subscription is not None and subscription.status == "trialing":
            return TRIAL_ENDING, subscription.id, subscription
        return None
    subscription = subscriptions.get(_reference(obj.get("subscription")))
    if event.type == "invoice.paid" and obj.get("billing_reason") == "subscription_cycle":
        return RENEWED, obj["id"], subscription
    if event.type == "invoice.payment_failed" and invoice_status not in ("paid", "void"):
        return PAYMENT_FAILED, obj["id"], subscription
    return None


def event_notice_deliver(
    *, user: User, event: Event, subscriptions: dict[str, Subscription], invoice_status: str = ""
) -> Notification | None:
    found = event_notice(event, subscriptions, invoice_status)
    if found is None:
        return None
    notice, subject, subscription = found
    message = billing_message(
        user=user, notice=notice, plan=_plan_name(subscription), subject=subject
    )
    return notification_deliver(user=user, message=message)


def scheduled_audit_refused_notify(
    *, user: User, action: str = "start_audit", **kw
) -> Notification | None:
    """Tell ``user`` that their scheduled audits stopped because their plan refuses
    ``action`` (the audit quota, or schedules no longer in their plan): once per period and
    action (in app and by email), however many scheduled audits are refused. None when the
    plan allows it after all, or when this period's notice went out already."""
    plan = user_plan(user)
    with translation.override(user_language(user)):
        decision = may(user, action, plan=plan, **kw)
    if decision.allowed:
        return None
    subject = plan.period_start.date().isoformat()
    if action != "start_audit":
        subject = f"{subject} {action}"
    message = billing_message(
        user=user,
        notice=SCHEDULED_AUDIT_REFUSED,
        plan=plan.limits.name,
        subject=subject,
        text=decision.message,
    )
    return notification_deliver(user=user, message=message)
