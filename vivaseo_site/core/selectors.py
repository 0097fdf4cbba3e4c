"""Reads for the health endpoint: is each part of the platform answering?"""

from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class ComponentStatus:
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail}


def database_status() -> ComponentStatus:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ok"; the detail says which
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}")
    return ComponentStatus(True, connection.vendor)


def broker_status(*, url: str | None = None) -> ComponentStatus:
    """Connect to the broker (the configured one, or ``url``)."""
    from vivaseo_site.celery import app

    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # kombu raises many kinds; all mean the broker is unreachable
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}")
    return ComponentStatus(True, str(transport))


def worker_status(*, timeout: float = 1.5) -> ComponentStatus:
    """Ping the workers over the broker's broadcast channel."""
    from vivaseo_site.celery import app

    try:
        replies = app.control.ping(timeout=timeout) or []
    except Exception as exc:  # broker down: the broker check already explains it
        return ComponentStatus(False, f"{type(exc).__name__}: {exc}")
    names = sorted(name for reply in replies for name in reply)
    if not names:
        return ComponentStatus(False, "no worker answered the ping")
    return ComponentStatus(True, ", ".join(names))


def platform_status() -> dict:
    checks = {
        "database": database_status(),
        "broker": broker_status(),
    }
    checks["worker"] = (
        worker_status() if checks["broker"].ok else ComponentStatus(False, "broker unreachable")
    )
    return {
        "ok": all(check.ok for check in checks.values()),
        **{name: check.as_dict() for name, check in checks.items()},
    }
