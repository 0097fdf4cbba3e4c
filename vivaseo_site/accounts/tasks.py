"""Celery tasks for accounts: thin wrappers that take ids and call one service."""

from celery import shared_task

from . import services


@shared_task(name="accounts.send_notification_email_link", ignore_result=True)
def send_notification_email_link(user_id: str) -> None:
    services.notification_email_link_send(user_id=user_id)


@shared_task(name="accounts.send_welcome_email", ignore_result=True)
def send_welcome_email(user_id: str) -> None:
    services.welcome_email_send(user_id=user_id)
