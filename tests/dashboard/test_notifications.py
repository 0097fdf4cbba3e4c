"""The notification centre, its header badge, and the services behind them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vivaseo_site.notifications.models import Notification
from vivaseo_site.notifications.services import (
    notification_archive,
    notification_create,
    notification_mark_read,
    notifications_mark_all_read,
)

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_notification_services(customer, intruder):
    first = notification_create(
        user=customer, kind="system", title="Hello", message="Body", action_url="/en/app/",
        priority="high",
    )  # fmt: skip
    NotificationFactory(user=customer)
    NotificationFactory(user=intruder)
    assert (first.is_read, first.priority) == (False, "high")
    notification_mark_read(notification=first)
    assert Notification.objects.get(pk=first.pk).is_read
    assert notifications_mark_all_read(user=customer) == 1
    assert Notification.objects.filter(user=intruder, is_read=False).count() == 1
    notification_archive(notification=first)
    first.refresh_from_db()
    assert first.is_archived and first.is_read


def test_header_badge_counts_unread_unarchived_notifications(customer_client, customer):
    NotificationFactory.create_batch(3, user=customer)
    NotificationFactory(user=customer, is_read=True)
    NotificationFactory(user=customer, is_archived=True)
    page = customer_client.get("/en/app/websites/").content.decode()
    assert '<span class="header-badge" data-unread-count>3</span>' in page


def test_header_badge_costs_one_query_and_nothing_for_visitors(client, customer, rf):
    from django.contrib.auth.models import AnonymousUser

    from vivaseo_site.notifications.context_processors import notifications

    request = rf.get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert notifications(request) == {}
    assert len(queries) == 0
    NotificationFactory.create_batch(4, user=customer)
    request.user = customer
    with CaptureQueriesContext(connection) as queries:
        context = notifications(request)
        assert int(str(context["unread_notifications_count"])) == 4
        assert str(context["unread_notifications_count"]) == "4"
    assert len(queries) == 1


def test_list_filters_inbox_unread_and_archived(customer_client, customer):
    NotificationFactory(user=customer, title="Fresh news")
    NotificationFactory(user=customer, title="Seen news", is_read=True)
    NotificationFactory(user=customer, title="Old news", is_archived=True, is_read=True)
    inbox = customer_client.get("/en/app/notifications/").content.decode()
    assert "Fresh news" in inbox and "Seen news" in inbox and "Old news" not in inbox
    unread = customer_client.get("/en/app/notifications/?show=unread").content.decode()
    assert "Fresh news" in unread and "Seen news" not in unread
    archived = customer_client.get("/en/app/notifications/?show=archived").content.decode()
    assert "Old news" in archived and "Fresh news" not in archived


def test_list_paginates_by_25_and_keeps_the_filter(customer_client, customer):
    NotificationFactory.create_batch(30, user=customer)
    response = customer_client.get("/en/app/notifications/?show=unread")
    assert len(response.context["notifications"]) == 25
    assert 'href="?show=unread&amp;page=2"' in response.content.decode()
    second = customer_client.get("/en/app/notifications/?show=unread&page=2")
    assert len(second.context["notifications"]) == 5


def test_mark_read_archive_and_read_all_are_post_only(customer_client, customer):
    notification = NotificationFactory(user=customer)
    assert customer_client.get(f"/en/app/notifications/{notification.pk}/read/").status_code == 405
    assert customer_client.get("/en/app/notifications/read-all/").status_code == 405
    response = customer_client.post(
        f"/en/app/notifications/{notification.pk}/read/",
        {"next": "/en/app/notifications/?show=unread"},
    )
    assert response["Location"] == "/en/app/notifications/?show=unread"
    notification.refresh_from_db()
    assert notification.is_read
    customer_client.post(f"/en/app/notifications/{notification.pk}/archive/")
    notification.refresh_from_db()
    assert notification.is_archived
    NotificationFactory.create_batch(2, user=customer)
    response = customer_client.post("/en/app/notifications/read-all/", follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(user=customer, is_read=False).exists()


def test_next_cannot_send_the_user_elsewhere(customer_client, customer):
    notification = NotificationFactory(user=customer)
    response = customer_client.post(
        f"/en/app/notifications/{notification.pk}/read/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/en/app/notifications/"


def test_open_marks_read_and_follows_the_link_in_the_current_language(customer_client, customer):
    notification = NotificationFactory(user=customer, action_url="/en/app/websites/")
    response = customer_client.post(f"/nl/app/notifications/{notification.pk}/open/")
    assert response["Location"] == "/nl/app/websites/"
    notification.refresh_from_db()
    assert notification.is_read


def test_open_ignores_links_to_other_sites(customer_client, customer):
    notification = NotificationFactory(user=customer, action_url="https://evil.example/")
    response = customer_client.post(f"/en/app/notifications/{notification.pk}/open/")
    assert response["Location"] == "/en/app/notifications/"
