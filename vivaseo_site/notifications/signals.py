from allauth.account.signals import email_confirmed
from django.db import transaction
from django.dispatch import receiver

from .tasks import send_welcome_email


@receiver(email_confirmed, dispatch_uid="notifications_welcome_on_email_confirmed")
def welcome_on_email_confirmed(sender, request, email_address, **kwargs):
    user_id = str(email_address.user_id)
    transaction.on_commit(lambda: send_welcome_email.delay(user_id))
