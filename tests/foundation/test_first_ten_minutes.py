"""The first ten minutes of a new user, on the README's start command (issue 10).

`bash scripts/start.sh` runs for real on the embedded shape, in a folder of its own: it installs
nothing new (everything is there), serves the demo bakery, lets `bootstrap_demo` audit it twice
with the real engine, and starts web, worker and beat with debug off. Only the tables are made
beforehand, from the models and recorded as migrated: every migration from empty takes minutes
on SQLite, and CI runs them on their own. The test reads what the command built through the
browser, as the customer does. A browser then
does what a new user does: mistypes a URL, signs in as the demo customer, opens the report,
its history, the comparison and the PDF, and reads the report in Dutch.
"""

import email
import email.message
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.conf import settings

from audits.services.demo import DEMO_WEBSITE_NAME
from tests.conftest import ARTIFACTS_DIR, screenshot, wait_for
from tests.foundation.test_deploy import (
    _environment,
    _free_port,
    _get,
    _start_environment,
)
from vivaseo_site.accounts.services import DEMO_ACCOUNTS

pytestmark = [pytest.mark.browser, pytest.mark.worker]

BASE_DIR = Path(settings.BASE_DIR)
START_SECONDS = 300
CUSTOMER = next(account for account in DEMO_ACCOUNTS if account.role == "customer")


def _wait_for_web(base: str, process: subprocess.Popen, log: Path) -> None:
    """Until the web process answers; fail with the start script's output if it died."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            _get(f"{base}/en/")
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"scripts/start.sh did not start the site:\n{log.read_text()}")
            time.sleep(1)


@dataclass
class StartCommand:
    base: str  # where the web process answers
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        """Ctrl-C, as a person stops it: SIGINT to the terminal's whole process group."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS_DIR / "start-command.log").write_text(self.log.read_text())


@pytest.fixture
def start_command(tmp_path):
    """`bash scripts/start.sh` on this test run's database, started and waited for."""
    port = _free_port()
    env = _environment(
        **_start_environment(),
        VIVASEO_PORT=str(port),
        VIVASEO_VAR_DIR=str(tmp_path / "var"),  # its own database, broker, cache and media
    )
    # The embedded shape, as on a fresh clone, whatever this test run uses.
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    # A person's shell, not this virtualenv: start.sh finds Python 3 and uv on its own.
    venv_bin = str(Path(sys.prefix) / "bin")
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    _database_create(env)
    log = tmp_path / "start.log"
    process = subprocess.Popen(
        ["bash", "scripts/start.sh"],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started = StartCommand(base=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        _wait_for_web(started.base, process, log)
        yield started
    finally:
        started.stop()


# Tables from the models, as pytest-django's --nomigrations makes them, then every migration
# recorded as applied; the next `migrate` (start.sh's) finds nothing to do.
CREATE_TABLES = """
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0)
"""


def _database_create(env: dict[str, str]) -> None:
    for command in (["shell", "-c", CREATE_TABLES], ["migrate", "--fake", "-v0"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr


NEW_VISITOR = "new-visitor@example.com"
# A line of templates/emails/base.html: our layout, not allauth's plain text.
OUR_LAYOUT = 'font-size:20px;font-weight:700;color:#0f766e;">VivaSEO</td>'
# honcho's prefix on every line of a process: "14:05:09 web.1  | ".
HONCHO_PREFIX = re.compile(r"^\d\d:\d\d:\d\d (\S+)\s*\| ?")


def _printed_email(log: Path, *, to: str) -> email.message.Message:
    """The last email to ``to`` that Django's console backend printed in the web process."""

    def printed():
        """the web process printed the email"""
        lines = []
        for line in log.read_text(errors="replace").splitlines():
            prefix = HONCHO_PREFIX.match(line)
            if prefix and prefix.group(1).startswith("web"):
                lines.append(line[prefix.end() :])
        # The console backend ends every message with a line of 79 dashes.
        messages = [part.strip() for part in "\n".join(lines).split("-" * 79)]
        return [part for part in messages if f"To: {to}" in part][-1:]

    [printed_message] = wait_for(printed, timeout=60, interval=0.5)
    start = printed_message.find("Content-Type:")
    return email.message_from_string(printed_message[start:])


def _email_parts(message: email.message.Message) -> tuple[str, str]:
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset())
        for part in message.walk()
        if not part.is_multipart()
    }
    return parts["text/plain"], parts["text/html"]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except OSError:
        return False


def our_english_sentences() -> list[str]:
    """Sentences of our interface that the Dutch catalogue translates differently: none of
    them may appear on a Dutch page. Short labels are left out (a site's own text may say
    "Home" too), and so are texts with placeholders (only their parts would appear)."""
    catalogue = polib.pofile(str(BASE_DIR / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    sentences = []
    for entry in catalogue.translated_entries():
        text = " ".join(entry.msgid.split())
        if entry.obsolete or entry.msgid_plural or "%" in text or "{" in text or "<" in text:
            continue
        if len(text.split()) >= 4 and text != " ".join(entry.msgstr.split()):
            sentences.append(text)
    return sentences


def test_a_new_user_meets_the_product_on_the_start_command(start_command, page):
    base = start_command.base

    # A mistyped URL shows our own 404 page, never Django's debug page.
    response = page.goto(f"{base}/en/pricing-plans")
    assert response.status == 404
    assert "find that page" in page.content()
    assert "URLconf" not in page.content()
    screenshot(page, "first-ten-minutes-404")

    # A new visitor signs up: the verification email (printed by the console backend) is in
    # our layout and its link points at the port the start command serves on.
    page.goto(f"{base}/en/accounts/signup/")
    page.fill("input[name=email]", NEW_VISITOR)
    page.fill("input[name=password1]", "a-long-passphrase-42")
    page.fill("input[name=password2]", "a-long-passphrase-42")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/en/accounts/confirm-email/$"))
    screenshot(page, "first-ten-minutes-check-your-inbox")
    message = _printed_email(start_command.log, to=NEW_VISITOR)
    assert message["Subject"].startswith("[VivaSEO] ")
    text, html_body = _email_parts(message)
    assert "Hello from" not in text and OUR_LAYOUT in html_body
    link = re.search(r"http://127\.0\.0\.1:(\d+)(/en/accounts/confirm-email/\S+/)", text)
    assert link, text
    assert f"http://127.0.0.1:{link.group(1)}" == base  # the served port, not 8000
    assert f'href="{link.group(0)}"' in html_body
    page.goto(link.group(0))
    page.click("main form button[type=submit]")  # allauth confirms on POST
    page.wait_for_url(re.compile(r"/en/app/$"))
    page.context.clear_cookies()  # signed out again, for the demo customer

    # The demo customer's first sign-in lands on a dashboard with an audited website.
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=login]", CUSTOMER.email)
    page.fill("input[name=password]", CUSTOMER.password)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/en/app/$"))
    assert DEMO_WEBSITE_NAME in page.content()
    screenshot(page, "first-ten-minutes-dashboard")

    # Its website page: the address served on this machine and a history of two audits.
    page.click(f"a.site-name >> text={DEMO_WEBSITE_NAME}")
    page.wait_for_url(re.compile(r"/en/app/websites/\d+/$"))
    website_path = urlsplit(page.url).path
    site_url = page.locator(".dash-lead a").get_attribute("href")
    assert re.fullmatch(r"http://127\.0\.0\.2:\d+/", site_url)
    history = page.locator("table.table tbody tr")
    assert history.count() == 2
    assert history.locator("[data-status-badge]").all_inner_texts() == ["Completed"] * 2
    # Built by the engine from the served bakery: each audit crawled all of its 25-odd pages.
    pages = history.locator("td[data-label=Pages]").all_inner_texts()
    assert all(int(count) >= 20 for count in pages), pages
    screenshot(page, "first-ten-minutes-history")

    # The newest audit's report: finished, scored, with recommendations.
    page.click("table.table tbody tr >> nth=0 >> text=Open")
    page.wait_for_url(re.compile(r"/en/app/audits/\d+/$"))
    report_path = urlsplit(page.url).path
    assert page.locator("svg.score-gauge").get_attribute("data-score").isdigit()
    assert page.locator(".recommendation").count() >= 1
    screenshot(page, "first-ten-minutes-report")
    pdf = page.request.get(f"{base}{report_path}report.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # The comparison shows what the bakery fixed between the two audits.
    page.goto(f"{base}{website_path}compare/")
    fixed = page.locator('[data-compare="fixed"]').inner_text().lower()
    assert "meta description" in fixed, fixed
    screenshot(page, "first-ten-minutes-comparison")

    # The same report in Dutch speaks Dutch only.
    english = our_english_sentences()
    assert len(english) > 100  # the list is real
    for path in ("", "findings/", "pages/", "site/"):
        page.goto(f"{base}{report_path.replace('/en/', '/nl/', 1)}{path}")
        text = " ".join(page.locator("body").inner_text().split())
        left = [sentence for sentence in english if sentence in text]
        assert left == [], f"English on the Dutch /{path}: {left}"
        screenshot(page, f"first-ten-minutes-report-nl-{path.strip('/') or 'overview'}")

    # Ctrl-C stops the demo site with web, worker and beat.
    assert _answers(site_url)
    start_command.stop()
    assert not _answers(site_url) and not _answers(f"{base}/en/")
