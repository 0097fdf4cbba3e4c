"""Celery tasks of support: thin wrappers that take ids and call one service."""

from celery import shared_task

from . import services


@shared_task(name=services.REPLY_EMAIL_TASK, ignore_result=True)
def send_support_reply_email(reply_id: int) -> None:
    services.ticket_reply_email_send(reply_id=reply_id)
