"""Receivers for the Stripe events billing acts on, connected through dj-stripe's registry.

dj-stripe verifies the signature, stores the Event once (a redelivered event id is not handled
again) and syncs the object; we queue our own handling for a worker once that commits.
"""

from djstripe.event_handlers import djstripe_receiver

from .services import stripe_event_queue

HANDLED_EVENTS = [
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
    "invoice.paid",
    "invoice.payment_failed",
]


@djstripe_receiver(HANDLED_EVENTS)
def stripe_event_received(sender, event, **kwargs):
    stripe_event_queue(event=event)
