from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User
from .services import scan_configuration_ensure


@receiver(post_save, sender=User, dispatch_uid="accounts_user_scan_configuration")
def create_scan_configuration(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    # However a user is made (signup, admin, createsuperuser), it gets its configuration.
    if created and not raw:
        scan_configuration_ensure(user=instance)
