"""PDF report benchmark: how long WeasyPrint takes for the report of a 500-page audit.

It builds a synthetic completed audit in a throwaway SQLite database (a temporary
``VIVASEO_VAR_DIR``; tables made straight from the models, as the test suite does): 500
pages at realistic depths and statuses, ~3,000 findings spread over the registry's checks the
way real sites fail them, scored and summarised by the real scoring and report code. Then it
renders the PDF twice in one process and reports the second (warm) render: fonts, stylesheet
and templates are loaded by then, as in a long-running Celery worker.

Target: under 10 s for 500 pages (issue 4).

    python3 -m uv run python bench/pdf_bench.py
    python3 -m uv run python bench/pdf_bench.py --pages 2000 --findings 12000 --language nl \
        --out /tmp/report.pdf
    python3 -m uv run python bench/pdf_bench.py --var-dir /tmp/pdf-bench --warm-runs 3 --profile

Wall time depends on what else the machine runs; the CPU time printed beside it does not.

It always exits 0: it is a benchmark, not a test; read the verdict it prints.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10.0


def django_setup(var_dir: str) -> None:
    os.environ["VIVASEO_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "vivaseo_site.settings.test"
    sys.path.insert(0, str(PROJECT_DIR))
    import django
    from django.conf import settings

    # Create the tables from the models (like pytest --nomigrations): seconds, not a minute.
    class NoMigrations(dict):
        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


# How often each check fails on a typical small-business site: (check id, share of pages).
# Checks missing from the registry are skipped, so the bench follows the registry as it grows.
PAGE_FAILURES = [
    ("title-too-long", 0.34),
    ("description-too-long", 0.22),
    ("meta-description", 0.26),
    ("duplicate-title", 0.12),
    ("duplicate-description", 0.18),
    ("title-too-short", 0.05),
    ("missing-h1", 0.16),
    ("skipped-heading-levels", 0.42),
    ("thin-content", 0.21),
    ("image-alt", 0.31),
    ("image-alt-empty", 0.08),
    ("link-text", 0.14),
    ("page-depth", 0.06),
    ("orphan-pages", 0.03),
    ("http-links", 0.04),
    ("canonical", 0.07),
    ("missing-lang", 0.02),
    ("hreflang-return-link", 0.05),
    ("redirecting-internal-links", 0.09),
    ("broken-internal-links", 0.05),
    ("document-title", 0.01),
]
# Checks that report one page several times (one finding per broken link, say).
REPEATS = {"broken-internal-links": 3, "redirecting-internal-links": 2, "link-text": 2}
SITE_FAILURES = ["sitemap-missing"]

WORDS = [
    "garden",
    "furniture",
    "outdoor",
    "lounge",
    "set",
    "teak",
    "table",
    "chair",
    "parasol",
    "cushion",
    "storage",
    "bench",
    "premium",
    "weatherproof",
    "delivery",
    "sale",
    "collection",
    "guide",
    "tips",
    "care",
    "assembly",
    "review",
]


def _title(rng: random.Random, index: int) -> str:
    words = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(3, 12)))
    return f"{words} | Tuinmeubelen Shop #{index}"


def build_scan(*, pages: int, findings: int, seed: int = 4):
    """A completed audit of a synthetic shop with about ``findings`` findings; its SEOScan."""
    from django.utils import timezone

    from audits import scoring
    from audits.checks.registry import get_check
    from audits.models import Finding, PageResult, SEOScan, Website, url_digest
    from audits.services.scans import report_write
    from vivaseo_site.accounts.services import user_create

    rng = random.Random(seed)
    user = user_create(
        email=f"bench-{seed}@example.com",
        password="a-long-passphrase-42",
        first_name="Sanne",
        last_name="de Vries",
    )
    base = "https://www.tuinmeubelen-shop.nl"
    website = Website.objects.create(user=user, url=base + "/", name="Tuinmeubelen Shop")
    now = timezone.now()
    scan = SEOScan.objects.create(
        website=website,
        user=user,
        url=base + "/",
        status=SEOScan.Status.COMPLETED,
        progress=100,
        max_pages=pages,
        pages_crawled=pages,
        started_at=now,
        completed_at=now,
    )
    rows = []
    for index in range(pages):
        depth = 0 if index == 0 else min(1 + int(rng.expovariate(0.7)), 7)
        section = rng.choice(["producten", "blog", "categorie", "inspiratie", "service"])
        url = base + "/" if index == 0 else f"{base}/{section}/{rng.choice(WORDS)}-{index}"
        status = rng.choices([200, 301, 404, 500, None], weights=[90, 5, 3, 1, 1])[0]
        rows.append(
            PageResult(
                scan=scan,
                url=url,
                url_hash=url_digest(url),
                final_url=url,
                final_url_hash=url_digest(url),
                status_code=status,
                error="" if status else "timeout",
                depth=depth,
                ttfb_ms=rng.randint(80, 900),
                bytes=rng.randint(20_000, 250_000),
                content_type="text/html; charset=utf-8",
                is_html=True,
                indexable=status == 200,
                in_sitemap=rng.random() < 0.8,
                title=_title(rng, index),
                meta_description=" ".join(rng.choice(WORDS) for _ in range(24)),
                h1=[" ".join(rng.choice(WORDS) for _ in range(4))],
                word_count=rng.randint(60, 2400),
                internal_links=rng.randint(10, 80),
                images_total=rng.randint(0, 30),
                inlinks=rng.randint(0, 60),
            )
        )
    PageResult.objects.bulk_create(rows, batch_size=500)
    page_rows = list(PageResult.objects.filter(scan=scan).values_list("id", "url"))

    checks = []
    for check_id, share in PAGE_FAILURES:
        try:
            checks.append((get_check(check_id), share))
        except KeyError:
            continue
    expected = sum(share * REPEATS.get(check.id, 1) for check, share in checks) * pages
    scale = findings / max(expected, 1)
    found = []
    for check, share in checks:
        for page_id, url in page_rows:
            if rng.random() < share * scale:
                for repeat in range(REPEATS.get(check.id, 1)):
                    found.append(
                        Finding(
                            scan=scan,
                            page_id=page_id,
                            check_id=check.id,
                            category=check.category,
                            severity=check.severity,
                            detail=f"{check.id} on {url} ({repeat + 1})",
                        )
                    )
    for check_id in SITE_FAILURES:
        try:
            check = get_check(check_id)
        except KeyError:
            continue
        found.append(
            Finding(
                scan=scan,
                check_id=check.id,
                category=check.category,
                severity=check.severity,
                detail="no sitemap found",
            )
        )
    Finding.objects.bulk_create(found, batch_size=2000)

    site = {
        "start_url": scan.url,
        "robots_txt": {"exists": True, "url": base + "/robots.txt"},
        "sitemaps": [],
        "https": {"start_is_https": True},
    }
    overall, categories = scoring.scan_scores(scan=scan, site=site)
    report_write(scan=scan, site=site, overall=overall, categories=categories, start_url=scan.url)
    return scan


def pdf_page_count(content: bytes) -> int | str:
    """Pages in the PDF, read by poppler's pdfinfo (the page tree is in a compressed stream)."""
    try:
        info = subprocess.run(
            ["pdfinfo", "-"], input=content, capture_output=True, check=True, timeout=60
        ).stdout.decode()
    except (OSError, subprocess.SubprocessError):
        return "?"
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(match.group(1)) if match else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--findings", type=int, default=3000)
    parser.add_argument("--language", default="en")
    parser.add_argument("--out", help="write the PDF here")
    parser.add_argument(
        "--var-dir",
        help="keep the database in this folder and reuse its audit on the next run "
        "(default: a temporary folder, removed at the end); delete the folder after a model "
        "change",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the warm render")
    parser.add_argument("--warm-runs", type=int, default=1, help="warm renders after the cold one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="vivaseo-pdf-bench-") as temporary:
        started = time.perf_counter()
        var_dir = args.var_dir or temporary
        reuse = bool(args.var_dir) and (Path(var_dir) / "db.sqlite3").exists()
        if reuse:
            os.environ["VIVASEO_VAR_DIR"] = var_dir
            os.environ["DJANGO_SETTINGS_MODULE"] = "vivaseo_site.settings.test"
            sys.path.insert(0, str(PROJECT_DIR))
            import django

            django.setup()
        else:
            Path(var_dir).mkdir(parents=True, exist_ok=True)
            django_setup(var_dir)
        from audits.models import Finding, SEOScan
        from audits.services.pdf import report_pdf_render

        if reuse:
            scan = SEOScan.objects.filter(pages_crawled=args.pages).latest("id")
        else:
            scan = build_scan(pages=args.pages, findings=args.findings)
        setup_seconds = time.perf_counter() - started
        findings = Finding.objects.filter(scan=scan).count()
        print(
            f"synthetic audit: {args.pages} pages, {findings} findings "
            f"(built in {setup_seconds:.1f} s)"
        )
        timings = []
        for run in ["cold"] + ["warm"] * args.warm_runs:
            started, cpu_started = time.perf_counter(), time.process_time()
            if run == "warm" and args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                content = profiler.runcall(report_pdf_render, scan=scan, language=args.language)
                pstats.Stats(profiler).sort_stats(
                    os.environ.get("PROFILE_SORT", "cumulative")
                ).print_stats(40)
            else:
                content = report_pdf_render(scan=scan, language=args.language)
            timings.append(time.perf_counter() - started)
            cpu = time.process_time() - cpu_started
            print(
                f"{run} render ({args.language}): {timings[-1]:.2f} s wall, {cpu:.2f} s CPU, "
                f"{pdf_page_count(content)} PDF pages, {len(content) / 1024:.0f} KiB"
            )
        if args.out:
            Path(args.out).write_bytes(content)
            print(f"written to {args.out}")
        warm = statistics.median(timings[1:]) if len(timings) > 1 else timings[0]
        verdict = "OK" if warm < TARGET_SECONDS else "TOO SLOW"
        print(f"warm render (median) {warm:.2f} s vs target {TARGET_SECONDS:.0f} s: {verdict}")
        if os.getloadavg()[0] > (os.cpu_count() or 1):
            print(
                f"note: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
                "other processes slowed the wall time (the CPU time is this render's own)"
            )


if __name__ == "__main__":
    main()
