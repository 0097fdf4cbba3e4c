"""Opening Checkout as the subscription page does, and posting events to the real webhook
endpoint signed as Stripe signs them."""

import json
import time

from django.urls import reverse

from billing.services import checkout_session_create

from .fake_stripe import stripe_signature


def webhook_post(client, endpoint, event: dict, *, secret: str, timestamp: int | None = None):
    payload = json.dumps(event)
    url = reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid})
    return client.post(
        url,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(payload, secret, timestamp or int(time.time())),
    )


def checkout(user, plan: str = "standard", interval: str = "month") -> str:
    """Open a Checkout session as the subscription page does; returns its address."""
    return checkout_session_create(
        user=user,
        plan_slug=plan,
        interval=interval,
        success_url="http://testserver/done",
        cancel_url="http://testserver/back",
    )
