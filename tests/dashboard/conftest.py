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
    monkeypatch.setattr("audits.websites.website_address_check", lambda **kwargs: None)


@pytest.fixture
def eager_tasks():
    """Celery tasks queued with .delay() run at once in this process."""
    from vivaseo_site.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
