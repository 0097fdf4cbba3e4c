"""The Dutch interface says "je", never "u"/"uw", allauth's pages included, and has one word for
signing in ("inloggen") and another for signing up ("registreren", "account aanmaken")."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

# "u", "uw", "U" as words, the formal "alstublieft" and its "a.u.b.", and "aanmelden"/"afmelden",
# which in Dutch can mean signing in as well as signing up.
FORMAL_OR_AMBIGUOUS = re.compile(
    r"(?<![\w.%-])(?:u|uw|uzelf)(?![\w-])|a\.u\.b\.|alstublieft|aanmeld|afmeld", re.IGNORECASE
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def _catalogue() -> dict[str, str]:
    path = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    return {(key[0] if isinstance(key, tuple) else key): text for key, text in catalogue.items()}


def test_the_compiled_dutch_catalogue_says_je():
    offending = {
        msgid: text
        for msgid, text in _catalogue().items()
        if msgid and FORMAL_OR_AMBIGUOUS.search(PLACEHOLDER.sub("", text))
    }
    assert offending == {}


def test_signing_in_and_signing_up_have_different_words():
    catalogue = _catalogue()
    for msgid in ("Sign In", "Log in", "Sign-in"):
        assert "inloggen" in catalogue[msgid].lower()
    for msgid in ("Sign up free", "Create an account"):
        assert "registreren" in catalogue[msgid].lower() or "aanmaken" in catalogue[msgid].lower()
    assert catalogue["Sign Out"] == catalogue["Log out"] == "Uitloggen"


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


SIGNED_OUT_PAGES = [
    "login/",
    "signup/",
    "password/reset/",
    "password/reset/done/",
    "confirm-email/",
]
SIGNED_IN_PAGES = ["email/", "password/change/", "logout/"]


def test_allauths_pages_in_dutch_say_je_and_inloggen(client, site_tree, customer):
    pages = {}
    for path in SIGNED_OUT_PAGES:
        pages[path] = client.get(f"/nl/accounts/{path}")
    # A sign-up with a password the rules refuse shows the rules' own messages too.
    pages["signup (refused)"] = client.post(
        "/nl/accounts/signup/", {"email": "x@example.com", "password1": "1234", "password2": "1234"}
    )
    client.force_login(customer)
    for path in SIGNED_IN_PAGES:
        pages[path] = client.get(f"/nl/accounts/{path}")
    for path, response in pages.items():
        assert response.status_code == 200, path
        text = _visible_text(response.content.decode())
        assert FORMAL_OR_AMBIGUOUS.search(text) is None, (path, FORMAL_OR_AMBIGUOUS.search(text))
    assert "Inloggen" in _visible_text(pages["login/"].content.decode())
    assert "Log dan in" in _visible_text(pages["signup/"].content.decode())
    assert "Dit wachtwoord is te kort" in _visible_text(pages["signup (refused)"].content.decode())


def test_the_dutch_home_page_says_je(client, site_tree):
    text = _visible_text(client.get("/nl/").content.decode())
    assert "Start je gratis audit" in text
    assert FORMAL_OR_AMBIGUOUS.search(text) is None, FORMAL_OR_AMBIGUOUS.search(text)
