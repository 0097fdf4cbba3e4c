"""Audit a website from the command line with the same engine the workers run.

Page checks need no database (they run on each page's facts, audits.checks.page), but the
site checks are SQL over the stored pages, and the report reads them too. So the command
stores its pages in an SEOScan of type "cli" that belongs to no customer and no website
(the only scans allowed to: see the model's constraint), and deletes it afterwards unless
``--keep``. No account is created, and nobody is notified.
"""

import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from audits import crawl_settings
from audits.engine.fetch import preload_crawl4ai
from audits.models import SEOScan
from audits.selectors.scans import scan_pages_json, scan_report_json
from audits.services.scans import scan_run
from audits.website_address import website_url_clean


class Command(BaseCommand):
    help = "Crawl and audit URL in-process and write the JSON report."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--max-pages", type=int, default=crawl_settings.DEFAULT_MAX_PAGES)
        parser.add_argument("--max-depth", type=int, default=crawl_settings.DEFAULT_MAX_DEPTH)
        parser.add_argument("--concurrency", type=int, default=crawl_settings.DEFAULT_CONCURRENCY)
        parser.add_argument("--delay", type=float, default=0.0, help="seconds between requests")
        parser.add_argument("--time-budget", type=float, default=None, help="seconds")
        parser.add_argument("--render-js", action="store_true")
        parser.add_argument("--ignore-robots", action="store_true")
        parser.add_argument("--include-subdomains", action="store_true")
        parser.add_argument("--language", default="en", choices=["en", "nl"])
        parser.add_argument("--json", dest="json_path", help="file to write, - for stdout")
        parser.add_argument("--keep", action="store_true", help="keep the scan in the database")

    def handle(self, *args, **options):
        try:
            url = website_url_clean(options["url"])
        except Exception as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        crawl_options = {
            "concurrency": options["concurrency"],
            "delay_seconds": options["delay"],
            "obey_robots": not options["ignore_robots"],
            "include_subdomains": options["include_subdomains"],
        }
        if options["time_budget"]:
            crawl_options["time_budget_seconds"] = options["time_budget"]
        scan = SEOScan.objects.create(
            url=url,
            scan_type=SEOScan.ScanType.COMMAND_LINE,
            max_pages=options["max_pages"],
            max_depth=options["max_depth"],
            render_js=options["render_js"],
            crawl_options=crawl_options,
        )
        preload_crawl4ai()  # start-up cost, like Django's: not part of the audit's time
        started = time.monotonic()
        try:
            with translation.override(options["language"]):  # the scan's messages are in it
                scan_run(scan_id=scan.pk)
            scan.refresh_from_db()
            elapsed = time.monotonic() - started
            report = scan_report_json(scan=scan, language=options["language"], with_pages=False)
            report["elapsed_seconds"] = round(elapsed, 3)
            self._write(report, scan, options["json_path"])
            self.stderr.write(
                f"{scan.status}: {scan.pages_crawled} pages in {elapsed:.1f} s "
                f"({scan.pages_crawled / max(elapsed, 1e-9):.1f} pages/s), "
                f"score {report['score']}, finished because {scan.finished_because or '-'}"
            )
            if scan.status == SEOScan.Status.FAILED:
                raise CommandError(scan.error_message)
        finally:
            if not options["keep"]:
                scan.delete()

    def _write(self, report: dict, scan: SEOScan, path: str | None) -> None:
        """The report as JSON, with its pages streamed one by one (constant memory)."""
        if not path:
            return
        if path == "-":
            self._dump(report, scan, sys.stdout)
            return
        with open(path, "w", encoding="utf-8") as handle:
            self._dump(report, scan, handle)

    @staticmethod
    def _dump(report: dict, scan: SEOScan, out) -> None:
        def encode(value, indent=None):
            return json.dumps(value, ensure_ascii=False, indent=indent, default=str)

        out.write("{\n")
        for key, value in report.items():
            if key != "pages":
                out.write(f"  {encode(key)}: {encode(value)},\n")
        out.write('  "pages": [')
        for index, page in enumerate(scan_pages_json(scan=scan)):
            out.write(("," if index else "") + "\n    " + encode(page))
        out.write("\n  ]\n}\n")
