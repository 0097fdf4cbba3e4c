"""Email through Resend: django-anymail's real Resend backend against a local server that
speaks Resend's API (POST /emails with a bearer key, answering {"id": ...})."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from vivaseo_site.notifications.models import EmailLog
from vivaseo_site.notifications.services import email_send

pytestmark = pytest.mark.django_db


class FakeResend:
    """Records what the backend sent; answers like Resend (or fails when told to)."""

    def __init__(self, status: int = 200):
        self.status = status
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
                )
                if fake.status == 200:
                    payload = {"id": "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}
                else:
                    payload = {"statusCode": fake.status, "name": "internal_server_error",
                               "message": "Resend is having a bad day"}  # fmt: skip
                data = json.dumps(payload).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def resend_settings(url: str):
    return override_settings(
        EMAIL_BACKEND="anymail.backends.resend.EmailBackend",
        ANYMAIL={"RESEND_API_KEY": "re_test_key", "RESEND_API_URL": url},
    )


def test_email_goes_out_through_resends_api_and_is_logged(make_user):
    user = make_user(email="klant@example.com", preferred_language="nl")
    with FakeResend() as resend, resend_settings(resend.url):
        log = email_send(to=user.email, template="welcome", context={"free_audits": 5}, user=user)
    assert log.status == EmailLog.Status.SENT and log.sent_at
    [request] = resend.requests
    assert request["path"] == "/emails"
    assert request["auth"] == "Bearer re_test_key"
    assert request["body"]["to"] == ["klant@example.com"]
    assert request["body"]["subject"] == log.subject
    assert "VivaSEO" in request["body"]["html"] and request["body"]["text"]


def test_a_resend_failure_is_logged_not_raised(make_user):
    user = make_user(email="unlucky@example.com")
    with FakeResend(status=500) as resend, resend_settings(resend.url):
        log = email_send(to=user.email, template="welcome", context={"free_audits": 5}, user=user)
    assert len(resend.requests) == 1
    log.refresh_from_db()
    assert log.status == EmailLog.Status.FAILED
    assert "bad day" in log.error_message or "500" in log.error_message
