"""Celery tasks of billing: thin, each calls one service. Names never change (the broker
keeps messages that carry them)."""

import stripe
from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name=services.HANDLE_EVENT_TASK,
    ignore_result=True,
    # Stripe or the database out of reach for a moment is worth a retry; Stripe retries the
    # webhook itself too, but the event is stored already and would not be handled again.
    autoretry_for=(stripe.APIConnectionError, stripe.RateLimitError, OperationalError),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=8,
)
def handle_stripe_event(event_id: str) -> None:
    services.stripe_event_handle(event_id=event_id)
