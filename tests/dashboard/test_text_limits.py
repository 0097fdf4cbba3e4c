"""Every text a customer types has a maximum, in the form and in the model, and long unbroken
text wraps instead of widening the page (issue 10: 200,000 characters of notes made the
website page 2.3 million pixels wide; a 240 KB support message was accepted)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from audits.forms import WebsiteAddForm, WebsiteEditForm
from audits.models import Website
from billing.selectors import free_limits
from vivaseo_site.accounts.forms import AccountDeleteForm, ProfileForm, ScheduleForm
from vivaseo_site.accounts.models import ScanConfiguration, User
from vivaseo_site.support.forms import ReplyForm, TicketForm
from vivaseo_site.support.models import SupportTicket, TicketReply

from .factories import NotificationFactory, ReplyFactory, TicketFactory, WebsiteFactory
from .test_browser import PHONE, log_in, shoot

pytestmark = pytest.mark.django_db

# What a customer (or staff, in the admin) writes into: each text column has a maximum.
CUSTOMER_TEXT_MODELS = [Website, SupportTicket, TicketReply, User, ScanConfiguration]
# Forms whose text fields go into those columns. AccountDeleteForm only checks a password.
CUSTOMER_FORMS = [WebsiteAddForm, WebsiteEditForm, TicketForm, ReplyForm, ProfileForm, ScheduleForm]


def _form(form_class, data, user):
    if form_class in (TicketForm, AccountDeleteForm):
        return form_class(data, user=user)
    if form_class is ScheduleForm:
        return ScheduleForm(data, instance=ScanConfiguration(user=user))
    if form_class is WebsiteAddForm:
        return WebsiteAddForm(data, limits=free_limits())
    return form_class(data)


def _text_fields(form_class, user):
    form = _form(form_class, None, user)
    return [
        (name, field)
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
    ]


@pytest.mark.parametrize("model", CUSTOMER_TEXT_MODELS, ids=lambda model: model.__name__)
def test_every_text_column_customers_write_has_a_maximum(model):
    texts = [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
    ]
    assert texts
    for field in texts:
        assert field.max_length, f"{model.__name__}.{field.name} has no maximum length"


def test_every_text_field_of_the_customer_forms_has_the_maximum_of_its_column(customer):
    for form_class in CUSTOMER_FORMS:
        fields = _text_fields(form_class, customer)
        assert fields, form_class
        for name, field in fields:
            assert field.max_length, f"{form_class.__name__}.{name} has no maximum length"
            assert field.widget.attrs.get("maxlength") == str(field.max_length)
    assert not [name for name, _field in _text_fields(AccountDeleteForm, customer)]


@pytest.mark.parametrize(
    ("form_class", "field_name", "limit"),
    [
        (WebsiteAddForm, "url", 500),
        (WebsiteAddForm, "name", 200),
        (WebsiteAddForm, "description", 2000),
        (WebsiteEditForm, "name", 200),
        (WebsiteEditForm, "description", 2000),
        (TicketForm, "subject", 200),
        (TicketForm, "message", 10_000),
        (ReplyForm, "message", 10_000),
        (ProfileForm, "first_name", 150),
        (ProfileForm, "last_name", 150),
        (ScheduleForm, "notification_email", 254),
    ],
)
def test_each_form_refuses_over_long_text_with_a_clear_message(
    customer, form_class, field_name, limit
):
    over = "a" * (limit - 12) + "@example.com" + "a"  # one too many, an email address too
    form = _form(form_class, {field_name: over}, customer)
    assert not form.is_valid()
    assert (
        f"Ensure this value has at most {limit} characters (it has {limit + 1})."
        in form.errors[field_name]
    )


def test_over_long_notes_are_refused_on_the_page_and_nothing_changes(customer_client, customer):
    website = WebsiteFactory(user=customer, name="Shop", description="Short notes")
    response = customer_client.post(
        f"/en/app/websites/{website.pk}/edit/", {"name": "Shop", "description": "x" * 200_000}
    )
    assert response.status_code == 200
    assert "at most 2000 characters (it has 200000)" in response.content.decode()
    website.refresh_from_db()
    assert website.description == "Short notes"


def test_a_240_kb_support_message_is_refused(customer_client):
    response = customer_client.post(
        "/en/app/support/new/",
        {"subject": "Help", "category": "technical", "message": "y" * 240_000},
    )
    assert response.status_code == 200
    assert "at most 10000 characters (it has 240000)" in response.content.decode()
    assert not SupportTicket.objects.exists()


def test_an_over_long_reply_is_refused(customer_client, customer):
    ticket = TicketFactory(user=customer)
    response = customer_client.post(f"/en/app/support/{ticket.pk}/", {"message": "z" * 10_001})
    assert response.status_code == 200
    assert "at most 10000 characters" in response.content.decode()
    assert not TicketReply.objects.exists()


@pytest.mark.parametrize(
    ("make", "field", "limit"),
    [
        (lambda user: WebsiteFactory(user=user), "description", 2000),
        (lambda user: TicketFactory(user=user), "message", 10_000),
        (lambda user: TicketFactory(user=user), "admin_notes", 10_000),
        (lambda user: ReplyFactory(ticket__user=user), "message", 10_000),
    ],
)
def test_the_models_hold_their_maximum_whoever_writes(customer, make, field, limit):
    row = make(customer)
    setattr(row, field, "n" * (limit + 1))
    with pytest.raises(ValidationError) as error:
        row.full_clean()  # what the admin's forms run
    assert field in error.value.message_dict
    # A write that skips validation (a service, a script) meets the database's constraint.
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(**{field: "n" * (limit + 1)})
    type(row).objects.filter(pk=row.pk).update(**{field: "n" * limit})


# --- Long unbroken text wraps -----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_long_unbroken_text_wraps_in_the_dashboard(live_server, site_tree, page, make_user):
    user = make_user(email="wide@example.com")
    website = WebsiteFactory(
        user=user,
        name="N" * 200,
        description="notes-without-a-space-" * 90,  # 1,980 characters, no break
        url="https://" + "very-long-subdomain-label." * 17 + "example.com/",
    )
    ticket = TicketFactory(user=user, subject="S" * 200, message="m" * 1500)
    ReplyFactory(ticket=ticket, author=user, message="r" * 1500)
    NotificationFactory(user=user, title="T" * 200, message="t" * 2000)
    base = live_server.url
    log_in(page, base, user.email, user.raw_password)
    paths = {
        "home": "/en/app/",
        "website-list": "/en/app/websites/",
        "website-add": "/en/app/websites/add/",
        "website-detail": f"/en/app/websites/{website.pk}/",
        "website-edit": f"/en/app/websites/{website.pk}/edit/",
        "website-delete": f"/en/app/websites/{website.pk}/delete/",
        "ticket-list": "/en/app/support/",
        "ticket-detail": f"/en/app/support/{ticket.pk}/",
        "notifications": "/en/app/notifications/",
    }
    for width, suffix in [(1280, "desktop"), (PHONE["width"], "phone")]:
        page.set_viewport_size({"width": width, "height": 860})
        for name, path in paths.items():
            page.goto(base + path)
            shoot(page, f"text-limits-{name}-{suffix}")  # asserts nothing sticks out sideways
