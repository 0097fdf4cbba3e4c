"""The contact page: what visitors and customers write there becomes a support ticket, with a
honeypot and a limit per client address against scripts."""

import logging

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission

from cms.demo_contact import demo_contact_page_ensure
from cms.models import ContactPage
from cms.services import locales_ensure
from vivaseo_site.support.models import MESSAGE_MAX_LENGTH, SupportTicket
from vivaseo_site.support.services import ticket_create_from_contact_form, ticket_reply_add

pytestmark = pytest.mark.django_db

QUESTION = {
    "name": "Sanne Visser",
    "email": "sanne@bakkerij-zon.nl",
    "subject": "Does the crawler read my sitemap index?",
    "message": "We split our sitemap in three files. Will VivaSEO find all of them?",
    "your_website": "https://bakkerij-zon.nl/",
}


@pytest.fixture(autouse=True)
def rate_limit_counts_cleared():
    """The limit counts per client address in the cache, which outlives each test's rows."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contact_page(site_tree) -> ContactPage:
    """The demo's contact page (EN, with its NL translation)."""
    return demo_contact_page_ensure(site_tree, locales_ensure())


def send(client, data: dict, *, url: str = "/en/contact/", ip: str = "198.51.100.20"):
    return client.post(url, data, REMOTE_ADDR=ip)


def test_a_visitors_message_opens_a_ticket_with_their_name_and_address(client, contact_page):
    response = send(client, QUESTION)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Thanks, your message is on its way" in html
    assert "at the address you gave" in html
    ticket = SupportTicket.objects.get()
    assert ticket.user is None
    assert (ticket.contact_name, ticket.contact_email) == ("Sanne Visser", "sanne@bakkerij-zon.nl")
    assert ticket.subject == "Does the crawler read my sitemap index?"
    # The marketers' extra field is appended to the message as "Label: answer".
    assert ticket.message == (
        "We split our sitemap in three files. Will VivaSEO find all of them?\n\n"
        "Your website: https://bakkerij-zon.nl/"
    )
    assert ticket.status == SupportTicket.Status.OPEN
    assert ticket.requester() == "Sanne Visser <sanne@bakkerij-zon.nl>"
    # Marketers still find it under Forms, without the honeypot.
    submission = FormSubmission.objects.get(page=contact_page)
    assert submission.form_data["email"] == "sanne@bakkerij-zon.nl"
    assert submission.form_data["your_website"] == "https://bakkerij-zon.nl/"
    assert "homepage" not in submission.form_data


def test_the_form_asks_the_built_in_fields_before_the_extra_ones(client, contact_page):
    html = client.get("/en/contact/").content.decode()
    positions = [html.index(f'name="{name}"') for name in ("name", "email", "subject", "message")]
    assert positions == sorted(positions)
    assert positions[-1] < html.index('name="your_website"')
    assert 'Your website <span class="field-optional">(optional)</span>' in html


def test_a_signed_in_customers_message_is_linked_to_them(client, contact_page, make_user):
    customer = make_user(email="owner@bakkerij-zon.nl", first_name="Sanne", last_name="Visser")
    client.force_login(customer)

    form = client.get("/en/contact/").content.decode()
    assert 'value="owner@bakkerij-zon.nl"' in form  # who they are is filled in
    assert 'value="Sanne Visser"' in form
    response = send(client, QUESTION | {"email": "owner@bakkerij-zon.nl"})

    assert response.status_code == 200
    assert reverse("dashboard:ticket_list") in response.content.decode()
    ticket = SupportTicket.objects.get()
    assert ticket.user == customer
    # It is theirs in the dashboard, like a question asked there.
    listing = client.get(reverse("dashboard:ticket_list")).content.decode()
    assert "Does the crawler read my sitemap index?" in listing


def test_a_filled_in_honeypot_thanks_the_sender_but_opens_nothing(client, contact_page, caplog):
    with caplog.at_level(logging.INFO, logger="cms.models.contact"):
        response = send(client, QUESTION | {"homepage": "http://cheap-pills.example/"})

    assert response.status_code == 200
    assert "Thanks, your message is on its way" in response.content.decode()
    assert not SupportTicket.objects.exists()
    assert not FormSubmission.objects.exists()
    assert "honeypot filled in, no ticket opened" in caplog.text


def test_the_honeypot_is_hidden_from_people(client, contact_page):
    html = client.get("/en/contact/").content.decode()
    trap = html[html.index('<div class="contact-trap"') :]
    trap = trap[: trap.index("</div>")]
    assert 'aria-hidden="true"' in trap
    assert 'name="homepage"' in trap
    assert 'autocomplete="off"' in trap
    assert 'tabindex="-1"' in trap
    assert html.count('name="homepage"') == 1  # not among the visible fields as well


def test_the_sixth_message_in_an_hour_is_refused_and_keeps_what_was_typed(client, contact_page):
    for number in range(5):
        assert "on its way" in send(client, QUESTION | {"subject": f"Q{number}"}).content.decode()

    refused = send(client, QUESTION | {"message": "My sixth question, typed with care."})

    html = refused.content.decode()
    assert refused.status_code == 429
    assert "You sent us several messages in a short time. Wait" in html
    assert "My sixth question, typed with care." in html
    assert 'value="sanne@bakkerij-zon.nl"' in html
    assert 'value="https://bakkerij-zon.nl/"' in html
    assert SupportTicket.objects.count() == 5
    # The count is the address's: someone else may still write.
    assert send(client, QUESTION, ip="198.51.100.99").status_code == 200
    assert SupportTicket.objects.count() == 6


def test_an_invalid_address_shows_the_error_and_loses_nothing(client, contact_page):
    response = send(client, QUESTION | {"email": "sanne@"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in html
    assert 'class="field has-error"' in html
    for typed in ("Sanne Visser", "Does the crawler read my sitemap index?", "three files"):
        assert typed in html
    assert not SupportTicket.objects.exists()


def test_a_message_too_long_for_a_ticket_with_its_answers_is_refused(client, contact_page):
    almost_full = "x" * (MESSAGE_MAX_LENGTH - 5)
    response = send(client, QUESTION | {"message": almost_full})

    assert "Your message is too long" in response.content.decode()
    assert not SupportTicket.objects.exists()
    assert not FormSubmission.objects.exists()


def test_the_dutch_contact_page_asks_and_thanks_in_dutch(client, contact_page):
    html = client.get("/nl/contact/").content.decode()
    for dutch in ("Je naam", "Je e-mailadres", "Onderwerp", "Bericht", "Je website",
                  "Bericht versturen", "Wat er daarna gebeurt"):  # fmt: skip
        assert dutch in html, dutch
    assert "Your name" not in html

    thanks = send(client, QUESTION | {"email": "nope"}, url="/nl/contact/").content.decode()
    assert "Voer een geldig e-mailadres in." in thanks
    thanks = send(client, QUESTION, url="/nl/contact/").content.decode()
    assert "Bedankt, je bericht is onderweg" in thanks
    assert SupportTicket.objects.get().message.endswith("Je website: https://bakkerij-zon.nl/")


def test_the_demo_contact_page_is_made_once(site_tree, contact_page):
    again = demo_contact_page_ensure(site_tree, locales_ensure())
    assert again.pk == contact_page.pk
    assert ContactPage.objects.count() == 2  # EN and NL
    assert [field.label for field in contact_page.form_fields.all()] == ["Your website"]


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user(email="staff@example.com", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def visitor_ticket(db):
    """A ticket as the contact page opens it for a visitor who is not signed in."""
    return ticket_create_from_contact_form(
        name=QUESTION["name"],
        email=QUESTION["email"],
        subject=QUESTION["subject"],
        message=QUESTION["message"],
    )


def test_the_admin_shows_a_visitors_ticket_with_their_name_and_address(
    staff_client, visitor_ticket
):
    listing = staff_client.get(reverse("supportticket:index")).content.decode()
    assert "Sanne Visser &lt;sanne@bakkerij-zon.nl&gt;" in listing
    found = staff_client.get(reverse("supportticket:index"), {"q": "bakkerij-zon"})
    assert "Does the crawler read my sitemap index?" in found.content.decode()
    inspect = staff_client.get(reverse("supportticket:inspect", args=[visitor_ticket.pk]))
    assert inspect.status_code == 200
    assert "sanne@bakkerij-zon.nl" in inspect.content.decode()
    edit = staff_client.get(reverse("supportticket:edit", args=[visitor_ticket.pk]))
    assert edit.status_code == 200
    assert 'value="sanne@bakkerij-zon.nl"' in edit.content.decode()


def test_the_admin_refuses_a_ticket_with_nobody_to_answer(staff_client, visitor_ticket):
    response = staff_client.post(
        reverse("supportticket:edit", args=[visitor_ticket.pk]),
        {"user": "", "contact_name": "", "contact_email": "", "subject": "Orphan",
         "category": "other", "message": "?", "status": "open", "priority": "medium",
         "scan": "", "admin_notes": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Choose a customer, or give the email address" in response.content.decode()
    visitor_ticket.refresh_from_db()
    assert visitor_ticket.contact_email == "sanne@bakkerij-zon.nl"


def test_staff_are_sent_to_email_to_answer_a_visitor(visitor_ticket, make_user):
    staff = make_user(email="staff@example.com", is_staff=True)
    with pytest.raises(ValidationError, match="answer sanne@bakkerij-zon.nl by email"):
        ticket_reply_add(ticket=visitor_ticket, author=staff, message="Yes, all three.")
    assert not visitor_ticket.replies.exists()


def test_the_editor_refuses_an_extra_field_named_like_a_built_in_one(editor, contact_page):
    url = reverse("wagtailadmin_pages:edit", args=[contact_page.pk])
    response = editor.post(
        url,
        {
            "title": "Contact",
            "slug": "contact",
            "intro": "",
            "submit_label": "",
            "thank_you_title": "",
            "form_fields-TOTAL_FORMS": "1",
            "form_fields-INITIAL_FORMS": "0",
            "form_fields-MIN_NUM_FORMS": "0",
            "form_fields-MAX_NUM_FORMS": "1000",
            "form_fields-0-label": "Email",
            "form_fields-0-help_text": "",
            "form_fields-0-required": "on",
            "form_fields-0-field_type": "email",
            "form_fields-0-choices": "",
            "form_fields-0-default_value": "",
            "form_fields-0-ORDER": "1",
            "form_fields-0-DELETE": "",
            "form_fields-0-id": "",
        },
    )
    assert response.status_code == 200
    assert "The form already asks for the name, email address" in response.content.decode()


def test_behind_the_proxy_the_limit_counts_the_real_client(client, contact_page, settings):
    settings.VIVASEO_RATE_LIMITS = {**settings.VIVASEO_RATE_LIMITS, "contact_form": "1/h"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def via_proxy(forwarded_for: str):
        return client.post(
            "/en/contact/", QUESTION, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for
        )

    assert via_proxy("198.51.100.7").status_code == 200
    # A forged entry in front of the real address does not reset the count.
    assert via_proxy("203.0.113.99, 198.51.100.7").status_code == 429
    # Another client behind the same proxy still gets through.
    assert via_proxy("198.51.100.8").status_code == 200
    assert SupportTicket.objects.count() == 2


def test_marketers_see_each_submission_with_the_built_in_fields(editor, contact_page):
    send(editor, QUESTION)

    url = reverse("wagtailforms:list_submissions", args=[contact_page.pk])
    html = editor.get(url).content.decode()
    for text in ("Your name", "Your email address", "Subject", "Message", "Your website",
                 "Sanne Visser", "sanne@bakkerij-zon.nl", "https://bakkerij-zon.nl/"):  # fmt: skip
        assert text in html, text


def test_the_ticket_list_reads_customers_and_visitors_in_a_fixed_number_of_queries(
    staff_client, visitor_ticket, make_user
):
    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(reverse("supportticket:index")).status_code == 200
        return len(captured)

    SupportTicket.objects.create(user=make_user(email="a@example.com"), subject="A", message="?")
    few = queries_for_the_list()
    for letter in "bcd":
        customer = make_user(email=f"{letter}@example.com")
        SupportTicket.objects.create(user=customer, subject=letter, message="?")
        ticket_create_from_contact_form(name=letter, email=f"{letter}@visitor.example",
                                        subject=letter, message="?")  # fmt: skip
    assert queries_for_the_list() == few
