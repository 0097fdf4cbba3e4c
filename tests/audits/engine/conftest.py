"""Fixtures for the crawler engine tests: no database, servers on 127.0.0.1 only."""

import pytest

from audits.engine.safety import ALLOW_NETWORKS_ENV


@pytest.fixture(autouse=True)
def crawl_env(monkeypatch, tmp_path_factory):
    """Nothing extra allowed unless a test says so; crawl4ai's files stay in a temp dir."""
    monkeypatch.delenv(ALLOW_NETWORKS_ENV, raising=False)
    monkeypatch.setenv(
        "VIVASEO_CRAWL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "crawl4ai-cache")
    )


@pytest.fixture
def allow_loopback(monkeypatch):
    """Let the crawler reach the test servers on 127.0.0.0/8."""
    monkeypatch.setenv(ALLOW_NETWORKS_ENV, "127.0.0.0/8")
