"""Fixtures shared by the whole suite: the page tree, users, a real Celery worker, a browser."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls the
# tests make around it are still synchronous, so Django's async-safety guard must stand aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# What tests leave for people to look at (screenshots, PDFs, worker logs). Two runs side by
# side (.ci/run runs the SQLite and the PostgreSQL suite at once) each name a folder of their
# own (relative to the project folder), or one would overwrite a file the other then reads.
ARTIFACTS_DIR = Path(settings.BASE_DIR) / os.environ.get(
    "VIVASEO_TEST_ARTIFACTS_DIR", "test-artifacts"
)


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's language: a request through the test client leaves its
    language active in the thread, and the next test must not read Dutch by accident."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def site_tree(db):
    """Locales, the EN home page and its NL translation (idempotent, as in bootstrap_demo)."""
    from cms.services import site_tree_ensure

    return site_tree_ensure()


@pytest.fixture
def make_user(db):
    from allauth.account.models import EmailAddress

    from vivaseo_site.accounts.services import user_create

    def _make_user(email="customer@example.com", password="a-long-passphrase-42", **extra):
        user = user_create(email=email, password=password, **extra)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        user.raw_password = password
        return user

    return _make_user


def _worker_command(hostname: str, queues: str, pool: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "vivaseo_site",
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "--loglevel=INFO",
        f"--hostname={hostname}@%h",
        f"--queues={queues}",
        "--without-mingle",
        "--without-gossip",
    ]


def start_celery_worker(
    hostname: str = "test-worker", queues: str = "celery", pool: str = "solo"
) -> subprocess.Popen:
    """Start a real `celery worker` process on the test database and wait for its ping.

    Tests that use it must commit their data (transactional_db) so the worker can see it.
    `pool="prefork"` runs tasks in a pool child, as production does.
    """
    from vivaseo_site.celery import app

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vivaseo_site.settings.test",
        "VIVASEO_USE_TEST_DATABASE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS_DIR / f"celery-{hostname}.log"
    process = subprocess.Popen(
        _worker_command(hostname, queues, pool),
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"celery worker exited with {process.returncode}; see {log_path}")
        replies = app.control.ping(timeout=1.0) or []
        if any(name.startswith(f"{hostname}@") for reply in replies for name in reply):
            return process
    stop_celery_worker(process, kill=True)
    pytest.fail(f"celery worker did not answer a ping within 90 s; see {log_path}")


def stop_celery_worker(process: subprocess.Popen, *, kill: bool = False) -> None:
    os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """One real worker for the session's end-to-end tests."""
    from vivaseo_site.celery import app

    with django_db_blocker.unblock():
        # Leftovers from an earlier run must not be consumed by this worker.
        app.control.purge()
    process = start_celery_worker("test-worker")
    yield process
    stop_celery_worker(process)


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.1):
    """Poll until predicate() is truthy; return its value or fail with a clear message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s: {predicate.__doc__ or predicate}")


def thread_frames(thread) -> list[tuple[str, str]]:
    """(function name, file) of every frame on ``thread``'s stack, innermost first: how a race
    test sees that a thread is parked where it means it to be."""
    frame = sys._current_frames().get(thread.ident)
    frames = []
    while frame is not None:
        frames.append((frame.f_code.co_name, frame.f_code.co_filename))
        frame = frame.f_back
    return frames


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser.

    Module-scoped: Playwright's sync API keeps an asyncio loop running in the main thread
    while it is open, which would break later tests that call asyncio.run().
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run the README's test command (scripts/test.sh), "
            "which installs Debian's chromium package."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    browser_page = context.new_page()
    yield browser_page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for people to look at."""
    path = ARTIFACTS_DIR / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def no_stripe_keys(settings):
    """This installation takes no payments (billing works without Stripe keys)."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLIC_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
