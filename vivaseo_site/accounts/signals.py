from allauth.account.signals import email_confirmed
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User
from .services import scan_configuration_ensure
from .tasks import send_welcome_email


@receiver(post_save, sender=User, dispatch_uid="accounts_user_scan_configuration")
def create_scan_configuration(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    # However a user is made (signup, admin, createsuperuser), it gets its configuration.
    if created and not raw:
        scan_configuration_ensure(user=instance)


@receiver(email_confirmed, dispatch_uid="accounts_welcome_on_email_confirmed")
def welcome_on_email_confirmed(sender, request, email_address, **kwargs):
    user_id = str(email_address.user_id)
    transaction.on_commit(lambda: send_welcome_email.delay(user_id))
