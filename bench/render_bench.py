"""Rendering benchmark (issue 10): audits with JavaScript rendering on, and cancelling one.

Serves a 200-page site on 127.0.0.1 whose every page loads a script (in its ``<head>``, so it
holds the parser) and an image from a third-party host that accepts connections and never
answers (127.0.0.2, "unreachable"), plus an inline script that adds a heading. Then, each in
a child process on a copy of a migrated SQLite database:

* ``manage.py audit --render-js`` end to end: pages/s from the report's ``elapsed_seconds``
  (Django and crawl4ai start-up excluded, Chromium's start included), the CPU time of the
  whole process tree per page (Chromium included: the figure the load moves least), how many
  pages timed out
  (``timeout`` findings: should be none) and how many say "rendered with N resources not
  loaded" (``resources-not-loaded``: should be all), and whether the inline script ran.
* a rendered audit cancelled once it has stored ``--cancel-after`` pages: the seconds from the
  cancel request (what ``scan_cancel`` writes) to the audit's status reading "cancelled", and
  to the audit's run returning (Chromium stopped, the worker free again).

Both children log at INFO to stderr; the bench counts ``CancelledError`` and ``Traceback`` in
what they wrote. Targets: >= 4 pages/s, cancel < 5 s, no tracebacks.

    python3 -m uv run python bench/render_bench.py
    python3 -m uv run python bench/render_bench.py --pages 200 --concurrency 8 --json-out r.json
    python3 -m uv run python bench/render_bench.py --database bench/.cache/db-<hash>.sqlite3

It always exits 0: it is a benchmark, not a test; read the verdicts it prints.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from aiohttp import web
from crawl_bench import bench_env, migrated_database, run_child

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' servers
from tests.sites import LoopThread  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
DEFAULT_SETTINGS = "vivaseo_site.settings.dev"
THIRD_PARTY_HOST = "127.0.0.2"

TARGET_PAGES_PER_SECOND = 4.0
TARGET_CANCEL_SECONDS = 5.0


# -- the site --------------------------------------------------------------------------------
def page_html(index: int, pages: int, third_party: str) -> str:
    links = "".join(
        f'<li><a href="/page/{(index * 7 + step) % pages}">Page {(index * 7 + step) % pages}</a>'
        for step in range(1, 6)
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Rendered page {index} of the benchmark site</title>"
        f'<meta name="description" content="Page {index} of a site that loads a tracker '
        'from a host that never answers, to measure rendering.">'
        f'<script src="{third_party}/tag.js"></script></head><body>'
        f"<h1>Rendered page {index}</h1><p>{'Some text about the page. ' * 40}</p>"
        f'<img src="{third_party}/pixel.gif" alt="A tracking pixel" width="1" height="1">'
        f'<nav><ul><li><a href="/">Home</a>{links}</ul></nav>'
        "<script>document.body.insertAdjacentHTML('beforeend', "
        "'<h2>Added by JavaScript</h2>');</script>"
        "</body></html>"
    )


class RenderSite(LoopThread):
    """The site on 127.0.0.1 and the silent third-party host on 127.0.0.2, in a thread."""

    def __init__(self, pages: int):
        super().__init__()
        self.pages = pages
        self._stalled: set[asyncio.StreamWriter] = set()

    async def _silent(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Accept, read, never answer: what an unreachable tracker looks like to a browser.
        self._stalled.add(writer)
        with contextlib.suppress(Exception):
            await reader.read()
        self._stalled.discard(writer)
        writer.close()

    async def _start(self) -> None:
        silent = await asyncio.start_server(self._silent, THIRD_PARTY_HOST, 0)
        third_party = f"http://{THIRD_PARTY_HOST}:{silent.sockets[0].getsockname()[1]}"
        bodies = {
            f"/page/{index}": page_html(index, self.pages, third_party)
            for index in range(self.pages)
        }
        bodies["/"] = page_html(0, self.pages, third_party)

        async def handle(request: web.Request) -> web.Response:
            body = bodies.get(request.path)
            if body is None:
                return web.Response(status=404, text="Not found")
            return web.Response(text=body, content_type="text/html", charset="utf-8")

        app = web.Application()
        app.router.add_get("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/"


# -- the children ----------------------------------------------------------------------------
def log_problems(text: str) -> dict:
    return {"cancelled_errors": text.count("CancelledError"), "tracebacks": text.count("Traceback")}


def child_env(*, settings: str, var_dir: Path, database: Path | None) -> dict[str, str]:
    """A copy of the migrated database in ``var_dir`` and the environment that uses it."""
    shutil.copyfile(database or migrated_database(settings=settings), var_dir / "db.sqlite3")
    return bench_env(settings=settings, debug=False, var_dir=var_dir)


def bench_audit(
    url: str, *, pages: int, concurrency: int, settings: str, database: Path | None
) -> dict:
    with tempfile.TemporaryDirectory(prefix="vivaseo-render-bench-") as var_dir:
        report_path = Path(var_dir) / "report.json"
        command = [
            sys.executable, "manage.py", "audit", url, "--render-js",
            "--max-pages", str(pages), "--concurrency", str(concurrency),
            "--json", str(report_path),
        ]  # fmt: skip
        env = child_env(settings=settings, var_dir=Path(var_dir), database=database)
        child = run_child(command, env=env)
        result: dict = {
            "ok": child.returncode == 0,
            "load_before": round(child.load_before, 2),
            # The whole tree: the audit, its crawl process, Playwright's driver and Chromium.
            "cpu_seconds": round(child.cpu_seconds, 1),
            **log_problems(child.stderr),
        }
        if not report_path.exists():
            result["stderr_tail"] = child.stderr[-3000:]
            return result
        report = json.loads(report_path.read_text())
    findings: dict[str, int] = {}
    for finding in report["findings"]:
        findings[finding["check"]] = findings.get(finding["check"], 0) + 1
    # The only <h2> of a page is the one its inline script adds.
    scripted = sum(1 for page in report["pages"] if page.get("h2_count"))
    result.update(
        status=report["status"],
        pages_crawled=report["pages_crawled"],
        elapsed_seconds=report["elapsed_seconds"],
        pages_per_second=round(report["pages_crawled"] / report["elapsed_seconds"], 2),
        cpu_ms_per_page=round(1000 * result["cpu_seconds"] / max(report["pages_crawled"], 1)),
        timeout_findings=findings.get("timeout", 0),
        fetch_failed_findings=findings.get("fetch-failed", 0),
        resources_not_loaded_findings=findings.get("resources-not-loaded", 0),
        pages_showing_script_output=scripted,
    )
    return result


CANCEL_CHILD = """
import logging, sys, threading, time
import django
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
django.setup()
from audits.engine.fetch import preload_crawl4ai
from audits.models import SEOScan
from audits.services.scans import scan_run

url, pages, after, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
preload_crawl4ai()
scan = SEOScan.objects.create(
    url=url, scan_type=SEOScan.ScanType.COMMAND_LINE, max_pages=pages, max_depth=100,
    render_js=True, crawl_options={"concurrency": concurrency},
)
runner = threading.Thread(target=scan_run, kwargs={"scan_id": scan.pk})
runner.start()
while SEOScan.objects.get(pk=scan.pk).pages_crawled < after:
    time.sleep(0.02)
asked = time.monotonic()
# What audits.services.scans.scan_cancel writes for a running audit.
SEOScan.objects.filter(pk=scan.pk, status=SEOScan.Status.PROCESSING).update(cancel_requested=True)
while SEOScan.objects.get(pk=scan.pk).status != SEOScan.Status.CANCELLED:
    time.sleep(0.02)
    if not runner.is_alive() and SEOScan.objects.get(pk=scan.pk).status != "cancelled":
        break
status_seconds = time.monotonic() - asked
runner.join()
returned_seconds = time.monotonic() - asked
scan.refresh_from_db()
print(f"RESULT {scan.status} {status_seconds:.2f} {returned_seconds:.2f} {scan.pages_crawled}")
"""


def bench_cancel(
    url: str, *, pages: int, after: int, concurrency: int, settings: str, database: Path | None
) -> dict:
    with tempfile.TemporaryDirectory(prefix="vivaseo-render-bench-") as var_dir:
        command = [
            sys.executable, "-c", CANCEL_CHILD,
            url, str(pages), str(after), str(concurrency),
        ]  # fmt: skip
        env = child_env(settings=settings, var_dir=Path(var_dir), database=database)
        child = run_child(command, env=env)
    result: dict = {
        "ok": child.returncode == 0,
        "load_before": round(child.load_before, 2),
        **log_problems(child.stderr),
    }
    for line in child.stdout.splitlines():
        if line.startswith("RESULT "):
            status, to_status, to_return, crawled = line.split()[1:]
            result.update(
                status=status,
                seconds_to_cancelled=float(to_status),
                seconds_to_worker_free=float(to_return),
                pages_stored=int(crawled),
            )
    if "status" not in result:
        result["stderr_tail"] = child.stderr[-3000:]
    return result


# -- verdicts --------------------------------------------------------------------------------
def verdicts(audit: dict, cancel: dict) -> list[tuple[str, str, str, bool]]:
    rows = [
        (
            "pages/s, rendering on",
            str(audit.get("pages_per_second")),
            f">= {TARGET_PAGES_PER_SECOND:g}",
            (audit.get("pages_per_second") or 0) >= TARGET_PAGES_PER_SECOND,
        ),
        (
            "pages that timed out",
            str(audit.get("timeout_findings")),
            "0",
            audit.get("timeout_findings") == 0,
        ),
        (
            "pages with 'resources not loaded'",
            f"{audit.get('resources_not_loaded_findings')} of {audit.get('pages_crawled')}",
            "all",
            audit.get("resources_not_loaded_findings") == audit.get("pages_crawled"),
        ),
        (
            "cancel -> status cancelled (s)",
            str(cancel.get("seconds_to_cancelled")),
            f"< {TARGET_CANCEL_SECONDS:g}",
            (cancel.get("seconds_to_cancelled") or 99) < TARGET_CANCEL_SECONDS,
        ),
        (
            "CancelledError / tracebacks in the logs",
            f"{audit.get('cancelled_errors', 0) + cancel.get('cancelled_errors', 0)} / "
            f"{audit.get('tracebacks', 0) + cancel.get('tracebacks', 0)}",
            "0 / 0",
            not any(run.get(key) for run in (audit, cancel) for key in log_problems("")),
        ),
    ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--cancel-after", type=int, default=40, help="pages stored first")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS)
    parser.add_argument("--json-out")
    parser.add_argument(
        "--database",
        type=Path,
        help="a migrated SQLite file to copy (default: migrate one, cached in bench/.cache)",
    )
    options = parser.parse_args(argv)
    os.chdir(PROJECT_DIR)

    with RenderSite(options.pages) as site:
        print(f"Site: {options.pages} pages at {site.url}, third party at {THIRD_PARTY_HOST}")
        audit = bench_audit(
            site.url,
            pages=options.pages,
            concurrency=options.concurrency,
            settings=options.settings,
            database=options.database,
        )
        print("audit:", json.dumps(audit), flush=True)
        cancel = bench_cancel(
            site.url,
            pages=options.pages,
            after=options.cancel_after,
            concurrency=options.concurrency,
            settings=options.settings,
            database=options.database,
        )
        print("cancel:", json.dumps(cancel), flush=True)

    print(f"\nLoad average before the runs: {os.getloadavg()[0]:.2f}")
    print(f"{'measure':42} {'measured':>14} {'target':>8}  verdict")
    for name, measured, target, passed in verdicts(audit, cancel):
        print(f"{name:42} {measured:>14} {target:>8}  {'met' if passed else 'NOT MET'}")
    if options.json_out:
        Path(options.json_out).write_text(json.dumps({"audit": audit, "cancel": cancel}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
