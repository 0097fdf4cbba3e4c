"""A careless deploy: demo accounts, settings fall-backs, the image and the start command.

The commands run as deployments run them: `manage.py` in a subprocess under production
settings, on the database this test run created (committed data, so transactional_db).
"""

import fnmatch
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.db import connection
from django_celery_beat.models import PeriodicTask
from wagtail.models import Site

from audits.models import Finding, Website
from billing.models import PlanLimits
from billing.selectors import user_plan
from cms.models import HomePage
from vivaseo_site.accounts.models import User
from vivaseo_site.accounts.services import DEMO_ACCOUNTS
from vivaseo_site.core.services import PERIODIC_TASKS

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION = "vivaseo_site.settings.production"
PBKDF2_HASHER = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def _test_database_url() -> str:
    """The database this test run created, as a DATABASE_URL for a subprocess."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _environment(**values: str) -> dict[str, str]:
    """This process's environment without the test run's settings choices, plus `values`."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG"}
    }
    return inherited | values


def _production_environment() -> dict[str, str]:
    return _environment(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY="a" * 20 + "-Production-like-secret-key-9f8e7d6c5b4a39281706",
        DJANGO_ALLOWED_HOSTS="vivaseo.example.com",
        DATABASE_URL=_test_database_url(),
    )


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180
    )


def _manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run([sys.executable, "manage.py", *arguments], env)


# --- Demo accounts never reach production ---------------------------------------------------


def test_demo_command_refuses_under_production_settings(transactional_db):
    result = _manage("bootstrap_demo", env=_production_environment())
    assert result.returncode == 1, result.stdout + result.stderr
    assert "CommandError: Demo accounts have published passwords" in result.stderr
    assert PRODUCTION in result.stderr
    assert not User.objects.exists()


def test_deploy_command_sets_up_the_site_and_creates_no_user(transactional_db):
    for _run_number in range(2):  # a redeploy runs them again: idempotent
        for command in ("bootstrap_site", "billing_bootstrap"):
            result = _manage(command, env=_production_environment())
            assert result.returncode == 0, result.stdout + result.stderr
            assert "demo" not in result.stdout.lower()

    assert not User.objects.exists()
    homes = HomePage.objects.all()
    assert sorted(home.locale.language_code for home in homes) == ["en", "nl"]
    assert Site.objects.get(is_default_site=True).root_page.specific.locale.language_code == "en"
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= set(PERIODIC_TASKS)
    # Without Stripe keys: the plans with their local display prices.
    plans = PlanLimits.objects.order_by("ordering").values_list("slug", "is_free")
    assert list(plans) == [("free", True), ("standard", False), ("premium", False)]


def _dev_environment() -> dict[str, str]:
    return _environment(
        DJANGO_SETTINGS_MODULE="vivaseo_site.settings.dev", DATABASE_URL=_test_database_url()
    )


def test_demo_command_creates_the_demo_accounts_under_dev_settings(transactional_db):
    result = _manage("bootstrap_demo", env=_dev_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "staff     staff@vivaseo.local  /  demo-staff-2026" in result.stdout
    assert set(User.objects.values_list("email", flat=True)) == {a.email for a in DEMO_ACCOUNTS}
    assert User.objects.get(email="staff@vivaseo.local").is_superuser
    # The demo customer tries the product on Standard, given without Stripe; once.
    customer = User.objects.get(email="demo@vivaseo.local")
    assert user_plan(customer).limits.slug == "standard"
    assert _manage("bootstrap_demo", env=_dev_environment()).returncode == 0
    assert customer.complimentary_plans.count() == 1


@pytest.fixture
def demo_site():
    """scripts/demo_site/serve.py on 127.0.0.2, as scripts/start.sh starts it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.2", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "scripts/demo_site/serve.py", "--port", str(port)]
    server = subprocess.Popen(command, cwd=BASE_DIR, stdout=subprocess.DEVNULL)
    yield f"http://127.0.0.2:{port}/"
    server.terminate()
    server.wait(timeout=10)


def test_demo_command_audits_the_demo_site_before_and_after_with_the_engine(
    transactional_db, demo_site
):
    env = _dev_environment() | {"VIVASEO_CRAWL_ALLOW_NETWORKS": "127.0.0.2/32"}
    result = _manage("bootstrap_demo", "--site-url", demo_site, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Demo website {demo_site} audited 2 times" in result.stdout

    website = Website.objects.get(user__email="demo@vivaseo.local")
    older, newer = website.scans.order_by("created")
    assert (older.status, newer.status) == ("completed", "completed")
    assert older.pages_crawled >= 20 and newer.pages_crawled >= 20
    # What the bakery fixed between its two versions (scripts/demo_site/before, after).
    missing_descriptions = Finding.objects.filter(check_id="meta-description")
    assert missing_descriptions.filter(scan=older).count() == 4
    assert missing_descriptions.filter(scan=newer).count() == 1  # a new post forgot one
    assert not Finding.objects.filter(scan=newer, check_id="sitemap-missing").exists()
    assert older.report.overall_score < newer.report.overall_score
    for scan in (older, newer):
        with scan.report.pdf_file.open("rb") as pdf:
            assert pdf.read(4) == b"%PDF"
    # The site is left showing its current version.
    assert _get(demo_site + "sitemap.xml")[0] == 200

    result = _manage("bootstrap_demo", "--site-url", demo_site, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "audited" not in result.stdout
    assert list(website.scans.order_by("created")) == [older, newer]


def test_demo_command_says_what_to_allow_when_the_crawler_may_not_reach_the_demo_site(
    transactional_db, demo_site
):
    env = _dev_environment() | {"VIVASEO_CRAWL_ALLOW_NETWORKS": ""}
    result = _manage("bootstrap_demo", "--site-url", demo_site, env=env)
    # Said loudly, but start.sh goes on: the demo accounts work without their website.
    assert result.returncode == 0, result.stdout + result.stderr
    refusal = result.stderr[result.stderr.index("The demo website was not audited.") :]
    assert "127.0.0.2" in refusal and "not a public internet address" in refusal
    assert "VIVASEO_CRAWL_ALLOW_NETWORKS" in refusal
    assert not Website.objects.exists()
    assert User.objects.filter(email="demo@vivaseo.local").exists()


def test_deploy_command_locks_out_demo_accounts_an_older_deploy_created(transactional_db, client):
    # What every docker-compose start used to run; dev settings hash passwords as production
    # does (the test settings' MD5 hashes would not even be readable there).
    result = _manage("bootstrap_demo", "--quiet-credentials", env=_dev_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    customer, staff = (User.objects.get(email=account.email) for account in DEMO_ACCOUNTS)
    # A demo account whose published password someone replaced is theirs now: left alone.
    hasher = PBKDF2PasswordHasher()
    customer.password = hasher.encode("a-private-passphrase-81", hasher.salt(), iterations=1000)
    customer.save()

    result = _manage("bootstrap_site", env=_production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "staff@vivaseo.local still had its published demo password: locked" in result.stdout
    assert "demo@vivaseo.local" not in result.stdout

    staff.refresh_from_db()
    assert not staff.is_active and not staff.has_usable_password()
    response = client.post(
        "/en/accounts/login/", {"login": "staff@vivaseo.local", "password": "demo-staff-2026"}
    )
    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert not response.wsgi_request.user.is_authenticated
    unchanged = User.objects.get(pk=customer.pk)
    assert unchanged.is_active and unchanged.password == customer.password


def test_first_staff_account_comes_from_createsuperuser(
    transactional_db, site_tree, client, settings
):
    env = _production_environment() | {"DJANGO_SUPERUSER_PASSWORD": "a-long-staff-passphrase-64"}
    result = _manage("createsuperuser", "--noinput", "--email", "boss@example.com", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    # The account was hashed the way production hashes; let this process read that hash.
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, PBKDF2_HASHER]

    # Email verification is mandatory for staff too: the first sign-in sends a link.
    response = client.post(
        "/en/accounts/login/",
        {"login": "boss@example.com", "password": "a-long-staff-passphrase-64"},
    )
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    response = client.post(re.sub(r"^https?://[^/]+", "", link))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- No fall-back to dev settings ----------------------------------------------------------

SHOW_SETTINGS = "from django.conf import settings as s; print(s.SETTINGS_MODULE, s.DEBUG)"


def test_manage_py_without_settings_module_runs_production_settings():
    env = _environment(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="vivaseo.example.com")
    result = _manage("shell", "-c", SHOW_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == [PRODUCTION, "False"]

    without_key = {name: value for name, value in env.items() if name != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=without_key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_celery_without_settings_module_runs_production_settings():
    env = _environment(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="vivaseo.example.com")
    # What `celery -A vivaseo_site worker` does first: load the app, then Django's settings.
    script = f"import vivaseo_site.celery; {SHOW_SETTINGS}"
    result = _run([sys.executable, "-c", script], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [PRODUCTION, "False"]

    without_key = {name: value for name, value in env.items() if name != "DJANGO_SECRET_KEY"}
    result = _run([sys.executable, "-m", "celery", "-A", "vivaseo_site", "report"], without_key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# --- The image and the compose file ---------------------------------------------------------


def _dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Whether Docker leaves `path` out of the build context: the last matching pattern wins
    and a pattern matches a path or any folder above it (simple patterns, as ours are)."""
    parts = path.split("/")
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!").strip("/")
        candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates) or any(
            pattern.startswith("**/") and fnmatch.fnmatchcase(part, pattern[3:]) for part in parts
        ):
            excluded = not negated
    return excluded


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    lines = (BASE_DIR / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for path in (
        ".env",
        ".env.production",
        ".git/config",
        "var/db.sqlite3",
        "var/broker/queue/x.msg",
        "test-artifacts/screenshots/home.png",
        ".venv/bin/python",
        "staticfiles/css/site.css",
        "bench/.cache/db.sqlite3",
        "audits/__pycache__/models.cpython-312.pyc",
    ):
        assert _dockerignore_excludes(patterns, path), f"{path} would be in the image"
    for path in (
        "manage.py",
        "pyproject.toml",
        "uv.lock",
        ".python-version",
        "static/css/site.css",
    ):
        assert not _dockerignore_excludes(patterns, path), f"{path} would be missing from the image"


def test_compose_publishes_the_web_port_on_loopback_and_deploys_without_demo_accounts():
    # Read as text: PyYAML is not among our dependencies, and these lines are simple.
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    published = re.findall(r"^\s*ports:\s*\[(.*)\]", compose, re.MULTILINE)
    assert published == ['"127.0.0.1:8000:8000"']
    assert not re.search(r"^\s*-\s*\"?\d+:\d+", compose, re.MULTILINE)  # no list-style ports

    migrate = re.search(r"^  migrate:\n(?:    .*\n)*?    command: sh -c \"(.*)\"$", compose, re.M)
    steps = [step.strip() for step in migrate.group(1).split("&&")]
    assert steps == [
        "python manage.py migrate --noinput",
        "python manage.py bootstrap_site",
        "python manage.py billing_bootstrap",
    ]
    assert "bootstrap_demo" not in compose
    # The image names its settings; the fall-back in manage.py and celery.py is the same.
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert re.search(r"DJANGO_SETTINGS_MODULE=vivaseo_site\.settings\.production\b", dockerfile)


# --- The README's start command ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _start_environment() -> dict[str, str]:
    """scripts/start.env, which scripts/start.sh exports and hands to honcho."""
    values = {}
    for line in (BASE_DIR / "scripts" / "start.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_start_command_serves_the_product_with_debug_off(transactional_db, site_tree, tmp_path):
    start = _start_environment()
    assert start["DJANGO_SETTINGS_MODULE"] == "vivaseo_site.settings.dev"
    port = _free_port()
    env = _environment(**start, DATABASE_URL=_test_database_url(), VIVASEO_PORT=str(port))
    # The web process as scripts/start.sh starts it: honcho, Procfile.dev, scripts/start.env.
    command = [sys.executable, "-m", "honcho", "start", "-f", "Procfile.dev"]
    command += ["-e", "scripts/start.env", "web"]
    log = (tmp_path / "web.log").open("w")
    server = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, _headers, html = _get(f"{base}/en/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"the web process did not start:\n{(tmp_path / 'web.log').read_text()}"
                    )
                time.sleep(0.5)
        assert status == 200 and "Find what keeps your website" in html

        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
        status, headers, css = _get(base + stylesheet)
        assert status == 200 and headers["Content-Type"].startswith("text/css") and css

        status, _headers, html = _get(f"{base}/does-not-exist")
        assert status == 404
        assert "find that page" in html  # ours (templates/404.html), not Django's debug page
        assert "URLconf" not in html and "DEBUG = True" not in html
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
