"""What each plan allows, asked through billing.selectors.may, and usage counted from audits."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from audits.models import SEOScan
from billing.selectors import (
    LimitReached,
    calendar_month,
    may,
    usage_this_period,
    user_plan,
)
from billing.services import (
    complimentary_plan_end,
    complimentary_plan_grant,
    usage_grant_create,
)
from tests.dashboard.factories import ScanFactory, WebsiteFactory


def _audits(user, count, **fields):
    website = WebsiteFactory(user=user)
    return [ScanFactory(website=website, **fields) for _ in range(count)]


def test_free_plan_without_subscription(plans, customer):
    plan = user_plan(customer)
    assert plan.is_free and plan.status == "free"
    assert plan.limits.slug == "free"
    start, end = calendar_month()
    assert (plan.period_start, plan.period_end) == (start, end)
    assert start.day == 1 and end.day == 1 and end > timezone.now() >= start


def test_free_limits_apply_before_bootstrap(db, no_stripe_keys, customer):
    assert user_plan(customer).limits.audits_per_period == 5
    assert may(customer, "start_audit").allowed


def test_start_audit_refused_after_five_free_audits_this_month(plans, customer):
    _audits(customer, 4)
    assert may(customer, "start_audit").allowed
    _audits(customer, 1)
    decision = may(customer, "start_audit")
    assert not decision.allowed
    assert decision.message.startswith("You have used all 5 audits of your Free plan this month.")
    assert decision.upgrade_url == "/en/app/account/subscription/"
    with pytest.raises(LimitReached) as raised:
        decision.raise_if_refused()
    assert raised.value.decision is decision


def test_refusal_is_in_the_users_language(plans, customer):
    _audits(customer, 5)
    with translation.override("nl"):
        decision = may(customer, "start_audit")
    assert "Je hebt alle 5 audits van je Gratis-abonnement deze maand gebruikt." in decision.message
    assert decision.upgrade_url == "/nl/app/account/subscription/"


def test_free_audits_come_back_on_the_first_of_the_month(plans, customer):
    scans = _audits(customer, 5)
    assert not may(customer, "start_audit").allowed
    start, _ = calendar_month()
    SEOScan.objects.filter(pk__in=[s.pk for s in scans]).update(
        created=start - timedelta(seconds=1)
    )
    assert may(customer, "start_audit").allowed
    assert usage_this_period(customer).audits_used == 0


def test_audits_given_back_do_not_count(plans, customer):
    # Cancelled before a page answered, or failed on our side: the pipeline marks them.
    _audits(customer, 3, status=SEOScan.Status.CANCELLED, pages_crawled=0, refunded=True)
    _audits(customer, 1, status=SEOScan.Status.FAILED, failure="internal", refunded=True)
    _audits(customer, 1, status=SEOScan.Status.CANCELLED, pages_crawled=3)
    _audits(customer, 1, status=SEOScan.Status.FAILED, failure="site", pages_crawled=0)
    assert usage_this_period(customer).audits_used == 2


def test_staff_grant_adds_audits_this_period(plans, customer, make_user):
    staff = make_user(email="staff@example.com", is_staff=True)
    _audits(customer, 5)
    grant = usage_grant_create(user=customer, granted_by=staff, reason="Outage on 1 Dec", audits=2)
    assert grant.granted_by == staff and grant.reason == "Outage on 1 Dec"
    usage = usage_this_period(customer)
    assert (usage.audits_used, usage.audits_allowed) == (5, 7)
    assert may(customer, "start_audit").allowed


def test_grant_needs_a_reason(plans, customer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        usage_grant_create(user=customer, granted_by=None, reason=" ", audits=1)


def test_add_website_refused_over_the_plan(plans, customer):
    assert may(customer, "add_website").allowed
    WebsiteFactory(user=customer)
    decision = may(customer, "add_website")
    assert not decision.allowed
    assert decision.message.startswith("Your Free plan includes 1 website.")


def test_pages_per_audit(plans, customer):
    assert may(customer, "pages_per_audit", n=100).allowed
    decision = may(customer, "pages_per_audit", n=101)
    assert not decision.allowed
    assert "up to 100 pages per audit" in decision.message


def test_render_javascript_and_schedules_not_on_free(plans, customer):
    js = may(customer, "render_javascript")
    assert not js.allowed and "JavaScript rendering is not included" in js.message
    schedule = may(customer, "schedule_audits", frequency="monthly")
    assert not schedule.allowed and "Scheduled audits are not included" in schedule.message


def test_ai_generate_not_on_free(plans, customer):
    decision = may(customer, "ai_generate")
    assert not decision.allowed and "AI suggestions are not included" in decision.message


def test_unknown_action_is_a_programming_error(plans, customer):
    with pytest.raises(ValueError):
        may(customer, "fly")


def test_scheduled_audit_over_quota_notifies_once_per_period(plans, customer):
    from django.core import mail

    from billing.notices import scheduled_audit_refused_notify

    assert scheduled_audit_refused_notify(user=customer) is None  # audits left: no notice
    _audits(customer, 5)
    customer.preferred_language = "nl"
    customer.save()

    first = scheduled_audit_refused_notify(user=customer)
    second = scheduled_audit_refused_notify(user=customer)

    assert first is not None and second is None
    assert first.title == "Een geplande audit is niet gestart"
    assert first.message.startswith("Je hebt alle 5 audits van je Gratis-abonnement deze maand")
    assert first.action_url == "/nl/app/account/subscription/"
    (email,) = mail.outbox
    assert email.to == ["payer@example.com"]
    assert "Een geplande audit is niet gestart" in email.subject


# --- Complimentary plans (staff give a plan without Stripe) ---------------------------------


def test_a_complimentary_plan_counts_like_the_plan_until_it_ends(plans, customer, make_user):
    staff = make_user(email="staff@example.com", is_staff=True)
    given = complimentary_plan_grant(
        user=customer, plan=plans["premium"], granted_by=staff, reason="Partner agency"
    )
    plan = user_plan(customer)
    assert (plan.limits.slug, plan.status, plan.complimentary) == (
        "premium",
        "complimentary",
        given,
    )
    assert not plan.is_free and plan.counted_per_calendar_month
    assert (plan.period_start, plan.period_end) == calendar_month()
    assert may(customer, "schedule_audits", frequency="daily").allowed

    complimentary_plan_end(complimentary=given)
    assert user_plan(customer).limits.slug == "free"
    ended = timezone.now() + timedelta(days=30)
    complimentary_plan_grant(
        user=customer, plan=plans["standard"], granted_by=staff, reason="Trial", ends_at=ended
    )
    assert user_plan(customer).limits.slug == "standard"


def test_a_complimentary_plan_needs_a_reason_and_a_paid_plan(plans, customer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        complimentary_plan_grant(user=customer, plan=plans["standard"], granted_by=None, reason="")
    with pytest.raises(ValidationError):
        complimentary_plan_grant(user=customer, plan=plans["free"], granted_by=None, reason="x")


# --- The services ask: schedules (the audit and website services: tests/dashboard) -----------


def test_turning_schedules_on_asks_the_plan(plans, customer):
    from vivaseo_site.accounts.services import scan_configuration_update

    with pytest.raises(LimitReached, match="Scheduled audits are not included in your Free"):
        scan_configuration_update(user=customer, scheduled_scans_enabled=True)
    customer.scan_configuration.refresh_from_db()
    assert not customer.scan_configuration.scheduled_scans_enabled
    # Everything else about the schedule may still be set.
    scan_configuration_update(user=customer, time_of_day="07:30")

    complimentary_plan_grant(user=customer, plan=plans["standard"], granted_by=None, reason="x")
    with pytest.raises(LimitReached, match="Your Standard plan schedules audits at most weekly"):
        scan_configuration_update(user=customer, scheduled_scans_enabled=True, frequency="daily")
    configuration = scan_configuration_update(
        user=customer, scheduled_scans_enabled=True, frequency="weekly"
    )
    assert configuration.scheduled_scans_enabled and configuration.frequency == "weekly"
    with pytest.raises(LimitReached):
        scan_configuration_update(user=customer, frequency="daily")


def test_the_schedule_page_says_what_the_plan_allows_and_saves_nothing_refused(
    plans, customer, client
):
    client.force_login(customer)
    page = client.get("/en/app/account/schedule/").content.decode()
    assert "Scheduled audits are not included in your Free plan." in page
    assert 'href="/en/app/account/subscription/" data-upgrade-link' in page
    response = client.post(
        "/en/app/account/schedule/",
        {
            "scheduled_scans_enabled": "on",
            "frequency": "weekly",
            "time_of_day": "06:00",
            "timezone": "Europe/Amsterdam",
            "email_notifications": "on",
            "notification_email": "",
        },
    )
    assert response.status_code == 200
    assert "Scheduled audits are not included in your Free plan." in response.content.decode()
    customer.scan_configuration.refresh_from_db()
    assert not customer.scan_configuration.scheduled_scans_enabled


# --- Yearly billing: the plan's audits are per month of the year paid for -----------------


def test_a_year_is_counted_in_months_from_its_start():
    from datetime import UTC, datetime

    from billing.selectors import quota_window

    start, end = datetime(2026, 1, 31, 10, tzinfo=UTC), datetime(2027, 1, 31, 10, tzinfo=UTC)

    def window(*now):
        return quota_window(start, end, datetime(*now, tzinfo=UTC))

    assert window(2026, 1, 31, 10) == (start, datetime(2026, 2, 28, 10, tzinfo=UTC))
    # Short months end on their last day; the next window starts where the last one ended.
    assert window(2026, 2, 28, 11) == (
        datetime(2026, 2, 28, 10, tzinfo=UTC),
        datetime(2026, 3, 31, 10, tzinfo=UTC),
    )
    assert window(2027, 1, 30) == (datetime(2026, 12, 31, 10, tzinfo=UTC), end)
    # A monthly period is its own window.
    monthly_end = datetime(2026, 2, 28, 10, tzinfo=UTC)
    assert quota_window(start, monthly_end) == (start, monthly_end)


def test_a_yearly_subscription_grants_its_audits_each_month(stripe_plans, customer, subscribe):
    from djstripe.models import Customer

    from billing.services import subscription_sync

    customer.trial_used = True
    customer.save()
    subscribe(customer, "standard", "year", status="active")
    subscription_sync(customer=Customer.objects.get(subscriber=customer))
    plan = user_plan(customer)
    assert plan.limits.slug == "standard"
    assert plan.renews_at - plan.period_start >= timedelta(days=364)  # paid for a year
    assert timedelta(days=27) <= plan.period_end - plan.period_start <= timedelta(days=31)
    assert usage_this_period(customer).audits_allowed == 50
    _audits(customer, 50)
    assert not may(customer, "start_audit").allowed
    # A month on, the next 50.
    SEOScan.objects.filter(user=customer).update(created=plan.period_start - timedelta(days=1))
    assert may(customer, "start_audit").allowed
