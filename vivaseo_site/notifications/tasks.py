"""Celery tasks for notifications: thin wrappers that take ids and call one service."""

from celery import shared_task

from . import services


@shared_task(name="notifications.send_welcome_email", ignore_result=True)
def send_welcome_email(user_id: str) -> None:
    services.welcome_email_send(user_id=user_id)


@shared_task(name="notifications.notify_scan_finished", ignore_result=True)
def notify_scan_finished(scan_id: int) -> None:
    services.notify_scan_finished(scan_id=scan_id)


@shared_task(name="notifications.send_support_reply_email", ignore_result=True)
def send_support_reply_email(reply_id: int) -> None:
    from vivaseo_site.support.services import ticket_reply_email_send

    ticket_reply_email_send(reply_id=reply_id)
