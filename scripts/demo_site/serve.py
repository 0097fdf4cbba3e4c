"""Serve the demo bakery (scripts/demo_site/) on a loopback address for `bash scripts/start.sh`.

The site exists in two versions, `before/` and `after/` (the same shop before and after its
owner fixed some SEO problems); `shared/` holds the images and the stylesheet both use.
`bootstrap_demo` audits `before`, switches the server to `after` (POST /_demo/version) and
audits again, so the demo customer's history and comparison show real changes. The server
starts on `after`, the site as it is "now".

Files say `{{origin}}` where a real site would write its own address (canonical links, the
sitemap, robots.txt); it is replaced by the address served on. `_redirects` lists
`old-path new-path status` lines. Standard library only: it runs before the project's
packages are needed.

    python3 scripts/demo_site/serve.py --port 8100          # serve until stopped
    python3 scripts/demo_site/serve.py --pick-port           # print a free port and exit
"""

from __future__ import annotations

import argparse
import mimetypes
import socket
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
VERSIONS = ("before", "after")
SHARED = HERE / "shared"
CONTROL_PATH = "/_demo/version"  # bootstrap_demo's DEMO_SITE_VERSION_PATH says the same
# Its own loopback address: the crawler may be allowed to reach 127.0.0.2 (scripts/start.env)
# without being allowed to reach the web process, Redis or PostgreSQL on 127.0.0.1.
DEFAULT_HOST = "127.0.0.2"
PREFERRED_PORT = 8100  # the same address on every start, so the demo website stays valid
ORIGIN_PLACEHOLDER = b"{{origin}}"
TEXT_TYPES = ("text/html", "application/xml", "text/xml", "text/plain", "text/css")


def pick_port(host: str, preferred: int = PREFERRED_PORT) -> int:
    """``preferred`` if nothing listens there, else any free port."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise OSError(f"no free port on {host}")


def redirects(tree: Path) -> dict[str, tuple[str, int]]:
    rules = {}
    path = tree / "_redirects"
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                old, new, status = line.split()
                rules[old] = (new, int(status))
    return rules


class DemoSiteHandler(BaseHTTPRequestHandler):
    server: DemoSiteServer
    server_version = "DemoBakery/1.0"

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def do_POST(self) -> None:
        """Switch the version served; only from this machine, only to a shipped version."""
        length = int(self.headers.get("Content-Length") or 0)
        version = self.rfile.read(min(length, 100)).decode("ascii", "replace").strip()
        if urlsplit(self.path).path != CONTROL_PATH:
            self.send_error(HTTPStatus.NOT_FOUND)
        elif not self.client_address[0].startswith("127.") or version not in VERSIONS:
            self.send_error(HTTPStatus.BAD_REQUEST)
        else:
            self.server.version = version
            self.send_response(HTTPStatus.NO_CONTENT)
            self.end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # start.sh's console belongs to web, worker and beat

    def _answer(self, *, with_body: bool) -> None:
        tree = HERE / self.server.version
        path = unquote(urlsplit(self.path).path)
        moved = redirects(tree).get(path)
        if moved:
            self._send(moved[1], b"", "text/plain", location=moved[0], with_body=with_body)
            return
        file = self._file_for(tree, path)
        if file is None and not path.endswith("/") and self._file_for(tree, path + "/"):
            self._send(301, b"", "text/plain", location=path + "/", with_body=with_body)
            return
        status = HTTPStatus.OK
        if file is None:
            status, file = HTTPStatus.NOT_FOUND, tree / "404.html"
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        body = file.read_bytes()
        if content_type in TEXT_TYPES:
            body = body.replace(ORIGIN_PLACEHOLDER, self.server.origin.encode())
            content_type += "; charset=utf-8"
        self._send(status, body, content_type, with_body=with_body)

    @staticmethod
    def _file_for(tree: Path, path: str) -> Path | None:
        """The file a URL path names, in the version's tree or the shared one; never a file
        outside them, nor one starting with _ (the redirect rules)."""
        relative = path.lstrip("/")
        if path.endswith("/"):
            relative += "index.html"
        for root in (tree, SHARED):
            candidate = (root / relative).resolve()
            if (
                candidate.is_relative_to(root)
                and candidate.is_file()
                and not candidate.name.startswith("_")
            ):
                return candidate
        return None

    def _send(
        self, status: int, body: bytes, content_type: str, *, with_body: bool, location: str = ""
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if with_body:
            self.wfile.write(body)


class DemoSiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, *, version: str = "after"):
        super().__init__((host, port), DemoSiteHandler)
        self.version = version
        self.origin = f"http://{host}:{self.server_address[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=PREFERRED_PORT)
    parser.add_argument("--version", choices=VERSIONS, default="after")
    parser.add_argument("--pick-port", action="store_true", help="print a free port and exit")
    options = parser.parse_args(argv)
    if options.pick_port:
        print(pick_port(options.host))
        return 0
    server = DemoSiteServer(options.host, options.port, version=options.version)
    print(f"demo site: {server.origin}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
