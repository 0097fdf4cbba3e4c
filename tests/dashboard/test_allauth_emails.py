"""allauth's emails (confirm, reset, already exists, ...) in our layout and the reader's language,
with links to the address the site serves on; the check-your-inbox page and its resend button."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.template.loader import get_template
from django.test import override_settings
from django.utils import translation

pytestmark = pytest.mark.django_db

ALLAUTH_EMAIL_DIR = Path(allauth.__file__).parent / "templates" / "account" / "email"
ALLAUTH_EMAILS = sorted(
    path.name.removesuffix("_subject.txt") for path in ALLAUTH_EMAIL_DIR.glob("*_subject.txt")
)
LINK = "http://127.0.0.1:8030/en/accounts/some-link/"
CODE = "QX7-4PD"
MOMENT = datetime.datetime(2026, 12, 2, 13, 5, tzinfo=datetime.UTC)
NOTICE = {"ip": "203.0.113.9", "user_agent": "Firefox/140.0", "timestamp": MOMENT}
# What allauth hands each email besides request, email, current_site and user.
CONTEXTS = {
    "account_already_exists": {"password_reset_url": LINK, "signup_url": LINK},
    "email_changed": NOTICE | {"from_email": "old@example.com", "to_email": "new@example.com"},
    "email_confirm": NOTICE,
    "email_confirmation": {"activate_url": LINK, "key": "abc"},
    "email_confirmation_signup": {"activate_url": LINK, "key": "abc"},
    "email_deleted": NOTICE | {"deleted_email": "old@example.com"},
    "login_code": {"code": CODE},
    "password_changed": NOTICE,
    "password_reset": NOTICE,
    "password_reset_code": {"code": CODE},
    "password_reset_key": {"password_reset_url": LINK},
    "password_set": NOTICE,
    "unknown_account": {"signup_url": LINK},
}
# allauth's own wording, which none of ours may contain (in either language).
ALLAUTH_DEFAULTS = ("Hello from", "Thank you for using", "Hallo van", "Bedankt voor het gebruiken")
OUR_LAYOUT = 'font-size:20px;font-weight:700;color:#0f766e;">VivaSEO</td>'  # emails/base.html


def test_every_allauth_email_has_our_subject_text_and_html():
    assert set(ALLAUTH_EMAILS) == set(CONTEXTS)  # a new allauth email needs its templates here
    ours = Path(settings.BASE_DIR) / "templates"
    for name in ALLAUTH_EMAILS:
        for part in ("_subject.txt", "_message.txt", "_message.html"):
            origin = Path(get_template(f"account/email/{name}{part}").origin.name)
            assert origin.is_relative_to(ours), origin


def _render(rf, user, name, language):
    request = rf.get("/", HTTP_HOST="127.0.0.1:8030")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = user
    context = {"request": request, "email": user.email, "user": user} | CONTEXTS[name]
    with translation.override(language), allauth_context.request_context(request):
        message = get_adapter().render_mail(f"account/email/{name}", user.email, context)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message.subject, message.body, html


def _shown_values(name: str) -> list[str]:
    """The link or code the reader needs (account_already_exists links to the reset only)."""
    shown = ("activate_url", "password_reset_url", "code", "deleted_email")
    values = [CONTEXTS[name][key] for key in shown if key in CONTEXTS[name]]
    if name == "unknown_account":
        values.append(CONTEXTS[name]["signup_url"])
    return values


@pytest.mark.parametrize("name", ALLAUTH_EMAILS)
def test_each_allauth_email_renders_in_our_layout_in_english_and_dutch(rf, make_user, name):
    user = make_user(email="reader@example.com", first_name="Olivia")
    english = _render(rf, user, name, "en")
    dutch = _render(rf, user, name, "nl")
    for language, (subject, text, html) in (("en", english), ("nl", dutch)):
        assert subject.startswith("[VivaSEO] ") and "\n" not in subject
        assert OUR_LAYOUT in html and f'<html lang="{language}">' in html
        for default in ALLAUTH_DEFAULTS:
            assert default not in text and default not in html
        assert "127.0.0.1:8030!" not in text
        greeting = "Hi Olivia," if language == "en" else "Hoi Olivia,"
        assert text.startswith(greeting) and greeting in html
        for value in _shown_values(name):
            assert value in text and value in html
        if "timestamp" in CONTEXTS[name]:
            when = "2 December 2026, 14:05" if language == "en" else "2 december 2026, 14:05"
            assert when in text and when in html
    assert english[0] != dutch[0]
    # No English sentence is left in the Dutch email ("- Browser: ..." reads the same in both).
    lines = english[1].splitlines()
    sentences = [line for line in lines if len(line.split()) > 2 and not line.startswith("- ")]
    assert sentences
    for sentence in sentences:
        assert sentence not in dutch[1]


def test_signing_up_in_dutch_sends_our_confirmation_email_with_the_served_address(
    client, site_tree
):
    client.post(
        "/nl/accounts/signup/",
        {"email": "nieuw@example.com", "password1": "a-long-passphrase-42",
         "password2": "a-long-passphrase-42"},
        HTTP_HOST="127.0.0.1:8030",
    )  # fmt: skip
    [message] = mail.outbox
    assert message.subject == "[VivaSEO] Bevestig je e-mailadres om je registratie af te ronden"
    html = message.alternatives[0][0]
    assert OUR_LAYOUT in html and "Hello from" not in message.body
    link = re.search(r"http://127\.0\.0\.1:8030/nl/accounts/confirm-email/\S+/", message.body)
    assert link and f'href="{link.group(0)}"' in html
    assert client.get(link.group(0).removeprefix("http://127.0.0.1:8030")).status_code == 200


def test_a_password_reset_email_is_ours_in_english(client, site_tree, make_user):
    make_user(email="forgot@example.com")
    client.post("/en/accounts/password/reset/", {"email": "forgot@example.com"})
    [message] = mail.outbox
    assert message.subject == "[VivaSEO] Choose a new password"
    assert OUR_LAYOUT in message.alternatives[0][0]
    assert re.search(r"http://testserver/en/accounts/password/reset/key/\S+/", message.body)


def test_the_check_your_inbox_page_offers_a_resend_button_and_a_contact_address(client, site_tree):
    for language, button in (("en", "Send the email again"), ("nl", "Stuur de e-mail opnieuw")):
        page = client.get(f"/{language}/accounts/confirm-email/").content.decode()
        assert f'action="/{language}/accounts/confirm-email/resend/"' in page
        assert button in page
        assert f'href="mailto:{settings.VIVASEO_SUPPORT_EMAIL}"' in page


def _sign_up(client, email):
    client.post(
        "/en/accounts/signup/",
        {"email": email, "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"},
        follow=True,  # and read allauth's "sent" message, so the next page shows only ours
    )
    mail.outbox.clear()


def test_resend_sends_a_new_link_and_says_the_same_for_addresses_without_one(
    client, site_tree, make_user
):
    _sign_up(client, "waiting@example.com")
    make_user(email="confirmed@example.com")
    answers = {}
    for email in ("waiting@example.com", "nobody@example.com", "confirmed@example.com"):
        response = client.post("/en/accounts/confirm-email/resend/", {"email": email}, follow=True)
        answers[email] = [str(m) for m in response.context["messages"]]
    assert len(set(map(tuple, answers.values()))) == 1  # the page tells nobody which exist
    assert "a new link is on its way" in answers["nobody@example.com"][0]
    [message] = mail.outbox
    assert message.to == ["waiting@example.com"]
    assert message.subject == "[VivaSEO] Confirm your email address to finish signing up"
    link = re.search(r"http://testserver(/en/accounts/confirm-email/\S+/)", message.body).group(1)
    client.post(link)
    assert EmailAddress.objects.get(email="waiting@example.com").verified


@override_settings(ACCOUNT_RATE_LIMITS={"confirm_email": "1/3m/key", "signup": "20/m/ip"})
def test_resend_keeps_to_allauths_limit_per_address(client, site_tree):
    _sign_up(client, "again@example.com")  # its first email counts too
    response = client.post("/en/accounts/confirm-email/resend/", {"email": "again@example.com"})
    assert response.status_code == 302 and mail.outbox == []


def test_resend_only_answers_posts(client, site_tree):
    assert client.get("/en/accounts/confirm-email/resend/").status_code == 405


def _start_command_environment(port: str | None) -> dict[str, str]:
    """What scripts/start.sh exports before it starts web, worker and beat."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("VIVASEO_SITE_URL", "VIVASEO_PORT")
    }
    if port:
        environment["VIVASEO_PORT"] = port
    script = (
        "source scripts/lib.sh && set -a && source scripts/start.env && set +a"
        " && export_site_url && env"
    )
    output = subprocess.run(
        ["bash", "-c", script], cwd=settings.BASE_DIR, env=environment,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return dict(line.split("=", 1) for line in output.splitlines() if "=" in line)


# The welcome email under the start command's own settings (dev, debug off), in a process of its
# own: its links must name the port the site is served on.
RENDER_WELCOME = """
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from vivaseo_site.core.links import absolute_url
translation.activate("en")
print("DEBUG", settings.DEBUG)
print(render_to_string("emails/welcome.txt", {"free_audits": 5,
      "dashboard_url": absolute_url(reverse("dashboard:home")),
      "add_website_url": absolute_url(reverse("dashboard:website_add"))}))
"""


def test_the_start_command_points_email_links_at_the_port_it_serves():
    environment = _start_command_environment("8123")
    assert environment["VIVASEO_SITE_URL"] == "http://127.0.0.1:8123"
    assert environment["DJANGO_SETTINGS_MODULE"] == "vivaseo_site.settings.dev"
    rendered = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", RENDER_WELCOME],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "DEBUG False" in rendered
    assert "http://127.0.0.1:8123/en/app/" in rendered
    assert "http://127.0.0.1:8123/en/app/websites/add/" in rendered
    assert ":8000" not in rendered
    assert _start_command_environment(None)["VIVASEO_SITE_URL"] == "http://127.0.0.1:8000"
