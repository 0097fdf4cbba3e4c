"""Support tickets: customers ask and reply; staff replies reach them in-app and by email."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from vivaseo_site.notifications.models import Notification
from vivaseo_site.support.models import SupportTicket
from vivaseo_site.support.services import ticket_create, ticket_reply_add

from .factories import ScanFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_ticket_create_links_only_the_users_own_audit(customer, intruder):
    mine = ScanFactory(website__user=customer)
    ticket = ticket_create(
        user=customer, subject=" Score? ", message="Why 40?", category="technical", scan=mine
    )
    assert (ticket.subject, ticket.scan, ticket.status) == ("Score?", mine, "open")
    theirs = ScanFactory(website__user=intruder)
    with pytest.raises(ValidationError):
        ticket_create(user=customer, subject="x", message="y", scan=theirs)


def test_staff_reply_notifies_the_customer_in_app_and_by_email(
    customer, make_user, eager_tasks, django_capture_on_commit_callbacks
):
    staff = make_user(email="staff@example.com", is_staff=True)
    ticket = TicketFactory(user=customer, subject="Robots.txt question")
    with django_capture_on_commit_callbacks(execute=True):
        reply = ticket_reply_add(ticket=ticket, author=staff, message="Look at line 3.")
    assert reply.from_staff is True
    ticket.refresh_from_db()
    assert ticket.status == SupportTicket.Status.IN_PROGRESS
    notification = Notification.objects.get(user=customer)
    assert notification.kind == "support_reply"
    assert notification.title == "New reply to “Robots.txt question”"
    assert notification.action_url == f"/en/app/support/{ticket.pk}/"
    message = mail.outbox[0]
    assert message.subject == "Re: Robots.txt question"
    assert "Look at line 3." in message.body
    assert f"/en/app/support/{ticket.pk}/" in message.body


def test_customer_reply_reopens_a_resolved_ticket_and_notifies_nobody(customer):
    ticket = TicketFactory(user=customer, status=SupportTicket.Status.RESOLVED)
    reply = ticket_reply_add(ticket=ticket, author=customer, message="Still broken.")
    assert reply.from_staff is False
    ticket.refresh_from_db()
    assert ticket.status == SupportTicket.Status.OPEN
    assert not Notification.objects.exists() and mail.outbox == []


def test_someone_else_cannot_reply(customer, intruder):
    ticket = TicketFactory(user=customer)
    with pytest.raises(ValidationError):
        ticket_reply_add(ticket=ticket, author=intruder, message="Hi")


def test_open_a_ticket_about_an_audit(customer_client, customer, intruder):
    mine = ScanFactory(website__user=customer, website__name="Bakery")
    theirs = ScanFactory(website__user=intruder, website__name="Secret site")
    form = customer_client.get(f"/en/app/support/new/?scan={mine.pk}").content.decode()
    assert "Bakery" in form and "Secret site" not in form
    assert f'<option value="{mine.pk}" selected>' in form
    # Posting someone else's audit id is refused by the form.
    refused = customer_client.post(
        "/en/app/support/new/",
        {"subject": "Help", "category": "technical", "message": "Hi", "scan": theirs.pk},
    )
    assert refused.status_code == 200 and not SupportTicket.objects.exists()
    response = customer_client.post(
        "/en/app/support/new/",
        {"subject": "Help", "category": "billing", "message": "Hi", "scan": mine.pk},
    )
    ticket = SupportTicket.objects.get()
    assert response["Location"] == f"/en/app/support/{ticket.pk}/"
    assert (ticket.user, ticket.scan, ticket.category) == (customer, mine, "billing")


def test_ticket_page_shows_the_conversation_and_takes_a_reply(customer_client, customer, make_user):
    staff = make_user(email="staff@example.com", is_staff=True)
    ticket = TicketFactory(user=customer, subject="Sitemap", message="Where is it?")
    ticket_reply_add(ticket=ticket, author=staff, message="At /sitemap.xml.")
    page = customer_client.get(f"/en/app/support/{ticket.pk}/").content.decode()
    assert "Where is it?" in page and "At /sitemap.xml." in page
    assert "VivaSEO support" in page and "In progress" in page
    customer_client.post(f"/en/app/support/{ticket.pk}/", {"message": "Thanks!"})
    assert ticket.replies.filter(from_staff=False, message="Thanks!").exists()


def test_ticket_list_shows_status_and_replies(customer_client, customer):
    TicketFactory(user=customer, subject="First question")
    page = customer_client.get("/en/app/support/").content.decode()
    assert "First question" in page and "Open" in page
