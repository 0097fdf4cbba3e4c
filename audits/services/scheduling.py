"""Scheduled audits: which slot is due for each customer, queued exactly once per website.

A schedule has slots in the customer's own time zone at their chosen time of day:
daily; weekly on Mondays; every two weeks on Mondays of even ISO weeks; monthly on the 1st.
A slot is queued once per website, however many beat ticks or workers see it: the scan row
carries the slot (`scheduled_for`) under a unique constraint, and a second insert fails.
A website with an audit still running (one at a time, also a database constraint) is skipped
without a word and gets its slot at the next tick after that audit ends.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from audits.models import SEOScan
from audits.services.scans import ScanAlreadyRunning, scan_start
from billing.notices import scheduled_audit_refused_notify
from billing.selectors import LimitReached, may, user_plan
from vivaseo_site.accounts.models import ScanConfiguration
from vivaseo_site.core.timezones import zone_named

logger = logging.getLogger(__name__)


def _zone(name: str) -> ZoneInfo:
    return zone_named(name, default="UTC")


def _slot_day_matches(day: date, frequency: str) -> bool:
    if frequency == ScanConfiguration.Frequency.DAILY:
        return True
    if frequency == ScanConfiguration.Frequency.WEEKLY:
        return day.weekday() == 0
    if frequency == ScanConfiguration.Frequency.BI_WEEKLY:
        return day.weekday() == 0 and day.isocalendar().week % 2 == 0
    return day.day == 1  # monthly


def latest_slot(configuration: ScanConfiguration, *, now: datetime) -> datetime:
    """The most recent slot at or before `now` (an aware datetime in UTC)."""
    zone = _zone(configuration.timezone)
    local_now = now.astimezone(zone)
    day = local_now.date()
    for _ in range(62):  # a monthly slot is at most 31 days back
        candidate = datetime.combine(day, configuration.time_of_day, tzinfo=zone)
        if candidate <= local_now and _slot_day_matches(day, configuration.frequency):
            return candidate.astimezone(ZoneInfo("UTC"))
        day -= timedelta(days=1)
    raise ValueError("no slot in the last two months")  # unreachable for known frequencies


def scheduled_scans_queue(*, now: datetime | None = None) -> int:
    """Queue the due slot of every enabled schedule for each active website; returns count.

    The plan is asked first: a schedule the plan no longer allows (the customer moved to a
    smaller plan), or an audit over the period's quota, is not started and the customer is
    told once per period (billing.notices), instead of the schedule going quiet.
    """
    now = now or timezone.now()
    queued = 0
    running = models.Q(status__in=SEOScan.ACTIVE_STATUSES)
    configurations = ScanConfiguration.objects.filter(
        scheduled_scans_enabled=True, user__is_active=True
    ).select_related("user")
    for configuration in configurations.iterator():
        slot = latest_slot(configuration, now=now)
        if slot < configuration.modified:
            continue  # the schedule was set up after this slot: wait for the next one
        user = configuration.user
        plan = user_plan(user)
        frequency = configuration.frequency
        if not may(user, "schedule_audits", plan=plan, frequency=frequency):
            scheduled_audit_refused_notify(user=user, action="schedule_audits", frequency=frequency)
            continue
        for website in user.websites.filter(is_active=True):
            scans = SEOScan.objects.filter(website=website)
            if scans.filter(models.Q(scheduled_for=slot) | running).exists():
                continue
            try:
                with transaction.atomic():
                    scan_start(
                        user=user,
                        website=website,
                        scan_type=SEOScan.ScanType.SCHEDULED,
                        scheduled_for=slot,
                    )
            except (IntegrityError, ScanAlreadyRunning):
                continue  # another tick queued this slot, or an audit started since the check
            except LimitReached:
                logger.info("scheduled audits of %s stopped: plan limit reached", user.pk)
                scheduled_audit_refused_notify(user=user)
                break
            queued += 1
    return queued
