"""Celery tasks for notifications: thin wrappers that take ids and call one service.

Audits announces its own audits (audits.tasks, under the name this module once used) and
support sends its own reply emails (vivaseo_site.support.tasks).
"""

from celery import shared_task

from . import services


@shared_task(name="notifications.send_welcome_email", ignore_result=True)
def send_welcome_email(user_id: str) -> None:
    services.welcome_email_send(user_id=user_id)
