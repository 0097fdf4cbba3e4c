"""PDF reports on Cloudinary: the real cloudinary client against a local server that speaks
Cloudinary's upload, download, destroy and admin APIs."""

import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import cloudinary
import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from vivaseo_site.core.storage import CloudinaryStorage

CLOUD = "demo-cloud"


def _form_fields(headers, body: bytes) -> dict[str, bytes]:
    content_type = headers.get("Content-Type", "")
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        return {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
            for part in message.iter_parts()
        }
    return {key: values[0].encode() for key, values in parse_qs(body.decode()).items()}


class FakeCloudinary:
    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.calls: list[tuple[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, payload, content_type="application/json"):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                path = urlsplit(self.path).path
                fields = _form_fields(
                    self.headers, self.rfile.read(int(self.headers["Content-Length"]))
                )
                fake.calls.append(("POST", path))
                public_id = fields["public_id"].decode()
                assert fields["signature"] and fields["api_key"] == b"key"
                if path == f"/v1_1/{CLOUD}/raw/upload":
                    assert fields["type"] == b"private"
                    fake.files[public_id] = fields["file"]
                    size = len(fields["file"])
                    self._reply(200, {"public_id": public_id, "version": 1, "bytes": size})
                elif path == f"/v1_1/{CLOUD}/raw/destroy":
                    found = fake.files.pop(public_id, None) is not None
                    self._reply(200, {"result": "ok" if found else "not found"})
                else:
                    self._reply(404, {"error": {"message": "unknown endpoint"}})

            def do_GET(self):
                parts = urlsplit(self.path)
                fake.calls.append(("GET", parts.path))
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                if parts.path == f"/v1_1/{CLOUD}/raw/download":
                    assert query.get("signature"), "downloads of private files must be signed"
                    data = fake.files.get(query["public_id"])
                    if data is None:
                        return self._reply(404, {"error": {"message": "Resource not found"}})
                    return self._reply(200, data, "application/octet-stream")
                prefix = f"/v1_1/{CLOUD}/resources/raw/private/"
                if parts.path.startswith(prefix):
                    public_id = unquote(parts.path.removeprefix(prefix))
                    if public_id in fake.files:
                        return self._reply(200, {"public_id": public_id,
                                                 "bytes": len(fake.files[public_id])})  # fmt: skip
                    return self._reply(404, {"error": {"message": "Resource not found"}})
                self._reply(404, {"error": {"message": "unknown endpoint"}})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        cloudinary.config(
            cloud_name=CLOUD, api_key="key", api_secret="secret", upload_prefix=self.url
        )
        return self

    def __exit__(self, *exc):
        cloudinary.reset_config()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_cloudinary():
    with FakeCloudinary() as fake:
        yield fake


def test_storage_saves_reads_checks_and_deletes_private_files(fake_cloudinary):
    storage = CloudinaryStorage()
    name = storage.save("reports/2026/11/7-en.pdf", ContentFile(b"%PDF-1.7 report"))
    assert name == "reports/2026/11/7-en.pdf"
    assert fake_cloudinary.files[name] == b"%PDF-1.7 report"
    assert storage.exists(name) and storage.size(name) == len(b"%PDF-1.7 report")
    with storage.open(name) as stored:
        assert stored.read() == b"%PDF-1.7 report"
    assert "signature=" in storage.url(name)
    storage.delete(name)
    assert not storage.exists(name)


@pytest.mark.django_db
def test_pdf_reports_are_stored_on_cloudinary_when_it_is_configured(fake_cloudinary, make_user):
    from audits.models import SEOReport, SEOScan, Website
    from audits.services.pdf import report_pdf_bytes, report_pdf_store

    user = make_user(email="cloud@example.com")
    website = Website.objects.create(user=user, url="https://shop.example/", name="Shop")
    scan = SEOScan.objects.create(website=website, user=user, url=website.url, status="completed")
    SEOReport.objects.create(scan=scan, overall_score=71, category_scores={"onpage": 70})
    storage = {"default": {"BACKEND": "vivaseo_site.core.storage.CloudinaryStorage"}}
    with override_settings(STORAGES=storage | {"staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):  # fmt: skip
        report = report_pdf_store(scan=scan, language="en")
        [stored_name] = fake_cloudinary.files
        assert stored_name.endswith(f"{scan.pk}-en.pdf")
        assert fake_cloudinary.files[stored_name].startswith(b"%PDF")
        assert report.pdf_file.name == stored_name
        scan.refresh_from_db()
        assert report_pdf_bytes(scan=scan, language="en").startswith(b"%PDF")
    assert ("GET", f"/v1_1/{CLOUD}/raw/download") in fake_cloudinary.calls
