import pytest


@pytest.fixture
def customer(make_user):
    return make_user(email="owner@example.com", first_name="Olivia")


@pytest.fixture
def intruder(make_user):
    return make_user(email="intruder@example.com")


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def no_address_check(monkeypatch):
    """Tests that add example.com addresses do not ask DNS."""
    monkeypatch.setattr("audits.services.websites.website_address_check", lambda **kwargs: None)


@pytest.fixture
def eager_tasks():
    """Celery tasks queued with .delay() run at once in this process."""
    from vivaseo_site.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def shop():
    """A shop with known defects (tests/dashboard/report_site.py) served on 127.0.0.1."""
    from tests.sites import SiteServer

    from .report_site import shop_site

    with SiteServer({}) as server:
        server.pages.update(shop_site(server.url))
        yield server


@pytest.fixture
def run_audit(customer):
    """Audit a served site with the real pipeline, in this process; returns the scan. Not
    queued: on PostgreSQL + Redis a live worker of the suite would claim it first."""
    from audits.models import Website
    from audits.services.scans import scan_run, scan_start

    def _run_audit(server, *, user=None, **scan_fields):
        user = user or customer
        website, _created = Website.objects.get_or_create(
            user=user, url=server.url + "/", defaults={"name": "Teak & Co"}
        )
        scan = scan_run(
            scan_id=scan_start(user=user, website=website, queue=False, **scan_fields).pk
        )
        assert scan.status == "completed", scan.error_message
        return scan

    return _run_audit
