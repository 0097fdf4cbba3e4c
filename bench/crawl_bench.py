"""Crawl benchmark: `manage.py audit` end to end against a bare aiohttp + selectolax floor.

For each site size it serves a synthetic site (bench/sitegen.py) on 127.0.0.1 from a separate
process, then measures, each in a fresh child process so peak RSS is clean:

* (a) ``manage.py audit`` end to end: crawl, parse, checks, database writes, scoring, report.
  Pages/s come from the report's ``elapsed_seconds`` (Django start-up excluded).
* (b) the floor: a bare aiohttp + selectolax breadth-first loop over the same site (fetch,
  parse, extract links, follow), with the same concurrency and robots.txt/sitemap handling.

Targets (2-core machine, no delay, concurrency 32): >= 150 pages/s end to end, >= 25% of the
floor, peak RSS < 400 MB at 5,000 pages, and < 20% RSS growth from 1,000 to 10,000 pages.

    python3 -m uv run python bench/crawl_bench.py                   # 5,000 pages
    python3 -m uv run python bench/crawl_bench.py --sizes 1000,5000,10000 --json-out r.json
    python3 -m uv run python bench/crawl_bench.py --repeat 3     # best of 3 on a busy machine
    python3 -m uv run python bench/crawl_bench.py --pages 2000 --skip-floor --profile out
    python3 -m uv run python bench/crawl_bench.py show-profile out.2000.prof

It always exits 0: it is a benchmark, not a test; read the verdicts it prints.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from sitegen import site_plan

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / ".cache"
DEFAULT_SETTINGS = "vivaseo_site.settings.dev"

TARGET_PAGES_PER_SECOND = 150.0
TARGET_FLOOR_SHARE = 0.25
TARGET_PEAK_RSS_MB = 400.0
TARGET_RSS_AT_PAGES = 5000
TARGET_RSS_GROWTH = 0.20


# -- child processes -------------------------------------------------------------------------
@dataclass
class ChildRun:
    returncode: int
    wall_seconds: float
    cpu_seconds: float  # user + system: unlike wall time, barely moved by other load
    peak_rss_mb: float  # the whole process tree (see run_child)
    largest_process_rss_mb: float
    peak_pss_mb: float | None
    load_before: float  # 1-minute load average at the start: above ~0.5, others share the CPUs
    stdout: str
    stderr: str
    rss_samples: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MB)


def _process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (the audit forks a crawl process)."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                pending.extend(int(child) for child in children.read_text().split())
    return tree


def _memory_mb(pid: int, field_name: str, path: str) -> float:
    try:
        text = Path(f"/proc/{pid}/{path}").read_text()
    except OSError:
        return 0.0
    match = re.search(rf"^{field_name}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def tree_memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) summed over the process tree. The RSS sum counts the pages a forked child
    still shares with its parent twice (an upper bound); PSS splits them between the two."""
    tree = _process_tree(pid)
    rss = sum(_memory_mb(each, "VmRSS", "status") for each in tree)
    pss = sum(_memory_mb(each, "Pss", "smaps_rollup") for each in tree)
    return rss, pss


def run_child(command: list[str], *, env: dict[str, str], sample_seconds: float = 0.25) -> ChildRun:
    """Run `command` to completion and measure it with the processes it starts.

    Peak memory is the peak of the RSS summed over the process tree, sampled every
    `sample_seconds` (the audit runs its crawl in a forked process, so one process's RSS
    would leave half of it out). wait4's rusage gives CPU time (the child and the children it
    waited for) and the largest single process's peak RSS, which the sampled peak can never
    be below (a peak between two samples is caught there)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=out, stderr=err)
        samples: list[tuple[float, float]] = []
        peaks = {"rss": 0.0, "pss": 0.0}
        done = threading.Event()

        def sample() -> None:
            # A timeline of RSS shows which phase (crawl, checks, report) sets the peak.
            while not done.wait(sample_seconds):
                rss, pss = tree_memory_mb(process.pid)
                if rss:
                    samples.append((round(time.monotonic() - started, 2), round(rss, 1)))
                    peaks["rss"], peaks["pss"] = max(peaks["rss"], rss), max(peaks["pss"], pss)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        largest = usage.ru_maxrss / 1024  # kB on Linux
        return ChildRun(
            returncode=process.returncode,
            wall_seconds=wall,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_rss_mb=max(peaks["rss"], largest),
            largest_process_rss_mb=largest,
            peak_pss_mb=peaks["pss"] or None,
            load_before=load_before,
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
            rss_samples=samples,
        )


class SiteServer:
    """bench/sitegen.py serving one synthetic site in its own process."""

    def __init__(self, pages: int):
        self.pages = pages
        self.process: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> SiteServer:
        self.process = subprocess.Popen(
            [sys.executable, str(BENCH_DIR / "sitegen.py"), "serve", "--pages", str(self.pages)],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("READY "):
            self.process.kill()
            raise RuntimeError(f"the site server did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- (b) the floor ----------------------------------------------------------------------------
async def floor_crawl(start_url: str, *, concurrency: int, max_pages: int) -> dict:
    """The least a crawler must do: fetch, parse, extract and follow links, obey robots.txt,
    then fetch the sitemap URLs no link reached. No checks, no storage."""
    import aiohttp
    from selectolax.lexbor import LexborHTMLParser

    host = urlsplit(start_url).netloc
    seen: set[str] = {start_url}
    frontier: deque[str] = deque([start_url])
    counts = {"fetched": 0, "html": 0, "errors": 0, "blocked": 0, "links": 0}
    robots = RobotFileParser()
    wake = asyncio.Condition()
    in_flight = 0

    def follow(url: str) -> None:
        if urlsplit(url).netloc != host or url in seen:
            return
        seen.add(url)
        if not robots.can_fetch("*", url):
            counts["blocked"] += 1
            return
        frontier.append(url)

    async def next_url() -> str | None:
        nonlocal in_flight
        async with wake:
            while True:
                if counts["fetched"] + in_flight >= max_pages:
                    return None
                if frontier:
                    in_flight += 1
                    return frontier.popleft()
                if in_flight == 0:
                    wake.notify_all()
                    return None
                await wake.wait()

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal in_flight
        while (url := await next_url()) is not None:
            try:
                async with session.get(url) as response:
                    body = await response.read()
                    final_url = str(response.url)
                    is_html = response.content_type == "text/html"
                counts["fetched"] += 1
                if final_url != url:
                    seen.add(final_url)
                if is_html and body:
                    counts["html"] += 1
                    tree = LexborHTMLParser(body)
                    for anchor in tree.css("a[href]"):
                        href = anchor.attributes.get("href")
                        if href:
                            counts["links"] += 1
                            follow(urldefrag(urljoin(final_url, href))[0])
            except (aiohttp.ClientError, TimeoutError):
                counts["errors"] += 1
            finally:
                async with wake:
                    in_flight -= 1
                    wake.notify_all()

    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=20)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.monotonic()
        async with session.get(urljoin(start_url, "/robots.txt")) as response:
            robots.parse((await response.text()).splitlines())
        sitemap_urls: list[str] = []
        for sitemap in robots.site_maps() or [urljoin(start_url, "/sitemap.xml")]:
            async with session.get(sitemap) as response:
                sitemap_urls += re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", await response.text())
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        orphans = [url for url in sitemap_urls if url not in seen]
        for url in orphans:
            follow(url)
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {
        "pages_fetched": counts["fetched"],
        "html_pages": counts["html"],
        "errors": counts["errors"],
        "blocked_by_robots": counts["blocked"],
        "links_seen": counts["links"],
        "sitemap_urls": len(sitemap_urls),
        "sitemap_only_urls": len(orphans),
        "elapsed_seconds": round(elapsed, 3),
    }


# -- (a) manage.py audit ----------------------------------------------------------------------
def _migration_fingerprint() -> str:
    """Changes when any migration (ours or an installed package's) changes."""
    digest = hashlib.sha256()
    for path in sorted(PROJECT_DIR.glob("*/**/migrations/*.py")):
        if ".venv" not in path.parts:
            digest.update(str(path.relative_to(PROJECT_DIR)).encode())
            digest.update(path.read_bytes())
    lock = PROJECT_DIR / "uv.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    return digest.hexdigest()[:16]


def bench_env(*, settings: str, debug: bool, var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_DEBUG="True" if debug else "False",
        VIVASEO_VAR_DIR=str(var_dir),
        VIVASEO_CRAWL_ALLOW_NETWORKS="127.0.0.0/8",
        PYTHONUNBUFFERED="1",
    )
    return env


def migrated_database(*, settings: str) -> Path:
    """A migrated SQLite file, cached in bench/.cache/ (migrating takes ~20 s)."""
    cached = CACHE_DIR / f"db-{_migration_fingerprint()}.sqlite3"
    if cached.exists():
        return cached
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    print("Migrating a fresh database (cached for later runs)...", flush=True)
    with tempfile.TemporaryDirectory(prefix="vivaseo-bench-") as var_dir:
        env = bench_env(settings=settings, debug=False, var_dir=Path(var_dir))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=PROJECT_DIR,
            env=env,
            check=True,
        )
        for stale in CACHE_DIR.glob("db-*.sqlite3"):
            stale.unlink()
        shutil.copyfile(Path(var_dir) / "db.sqlite3", cached)
    return cached


AUDIT_SUMMARY = re.compile(r"(\d+) pages in ([\d.]+) s")


def run_audit(
    url: str,
    *,
    pages: int,
    concurrency: int,
    settings: str,
    debug: bool,
    profile_to: Path | None = None,
) -> dict:
    database = migrated_database(settings=settings)
    with tempfile.TemporaryDirectory(prefix="vivaseo-bench-") as var_dir:
        shutil.copyfile(database, Path(var_dir) / "db.sqlite3")
        report_path = Path(var_dir) / "report.json"
        python = [sys.executable]
        if profile_to:
            # Python 3.12's cProfile hooks sys.monitoring, which sees every thread: the crawl
            # thread (fetch, parse) is in the profile along with the main thread (checks, DB).
            python += ["-m", "cProfile", "-o", str(profile_to)]
        command = [
            *python,
            "manage.py",
            "audit",
            url,
            "--max-pages", str(pages),
            "--concurrency", str(concurrency),
            "--delay", "0",
            "--max-depth", "100",
            "--json", str(report_path),
        ]  # fmt: skip
        env = bench_env(settings=settings, debug=debug, var_dir=Path(var_dir))
        if profile_to:
            # cProfile sees one process: keep the crawl in a thread so the profile has it all.
            env["VIVASEO_CRAWL_IN_PROCESS"] = "false"
        child = run_child(command, env=env)
        result = {
            "ok": child.returncode == 0,
            "returncode": child.returncode,
            "wall_seconds": round(child.wall_seconds, 2),
            "cpu_seconds": round(child.cpu_seconds, 2),
            "load_before": round(child.load_before, 2),
            "peak_rss_mb": round(child.peak_rss_mb, 1),
            "largest_process_rss_mb": round(child.largest_process_rss_mb, 1),
            "peak_pss_mb": child.peak_pss_mb and round(child.peak_pss_mb, 1),
            "rss_samples": child.rss_samples,
            "stderr_tail": child.stderr[-2000:],
        }
        if report_path.exists():
            report = json.loads(report_path.read_text())
            result.update(
                status=report.get("status"),
                finished_because=report.get("finished_because"),
                pages_crawled=report.get("pages_crawled"),
                elapsed_seconds=report.get("elapsed_seconds"),
                score=report.get("score"),
                findings=len(report.get("findings", [])),
                report_bytes=report_path.stat().st_size,
            )
        elif match := AUDIT_SUMMARY.search(child.stderr):
            result.update(pages_crawled=int(match.group(1)), elapsed_seconds=float(match[2]))
        if result.get("elapsed_seconds"):
            result["pages_per_second"] = round(
                result["pages_crawled"] / max(result["elapsed_seconds"], 1e-9), 1
            )
        return result


def audit_pipeline_ready(settings: str) -> tuple[bool, str]:
    """Whether `manage.py audit` can run yet (the pipeline is still being written)."""
    probe = (
        "import django; django.setup(); import audits.services.scans; "
        "from audits.management.commands import audit"
    )
    with tempfile.TemporaryDirectory(prefix="vivaseo-bench-") as var_dir:
        env = bench_env(settings=settings, debug=False, var_dir=Path(var_dir))
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
        )
    return done.returncode == 0, (done.stderr.strip().splitlines() or [""])[-1]


def run_floor(url: str, *, pages: int, concurrency: int) -> dict:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "floor",
        url,
        "--pages", str(pages),
        "--concurrency", str(concurrency),
    ]  # fmt: skip
    child = run_child(command, env=dict(os.environ))
    result = {
        "ok": child.returncode == 0,
        "wall_seconds": round(child.wall_seconds, 2),
        "cpu_seconds": round(child.cpu_seconds, 2),
        "load_before": round(child.load_before, 2),
        "peak_rss_mb": round(child.peak_rss_mb, 1),
        "peak_pss_mb": child.peak_pss_mb and round(child.peak_pss_mb, 1),
    }
    if child.returncode == 0:
        result.update(json.loads(child.stdout))
        result["pages_per_second"] = round(
            result["pages_fetched"] / max(result["elapsed_seconds"], 1e-9), 1
        )
    else:
        result["stderr_tail"] = child.stderr[-2000:]
    return result


# -- report -----------------------------------------------------------------------------------
def _fmt(value: object, suffix: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}{suffix}"
    return f"{value:,}{suffix}" if isinstance(value, int) else f"{value}{suffix}"


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'pages':>7} {'run':<6} {'fetched':>8} {'crawl s':>8} {'pages/s':>8} "
        f"{'wall s':>7} {'CPU s':>6} {'peak RSS':>9} {'PSS':>9} {'load':>5} {'note'}"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        for name, fetched_key in (("floor", "pages_fetched"), ("audit", "pages_crawled")):
            run = row.get(name)
            if not run:
                continue
            note = (
                run.get("finished_because") or run.get("status") or ""
                if name == "audit"
                else f"{run.get('html_pages', '-')} html, {run.get('errors', '-')} errors"
            )
            if not run.get("ok"):
                last_lines = (run.get("stderr_tail") or "").strip().splitlines()
                note = "FAILED: " + (last_lines[-1] if last_lines else "no output")
            print(
                f"{row['pages']:>7,} {name:<6} {_fmt(run.get(fetched_key)):>8} "
                f"{_fmt(run.get('elapsed_seconds')):>8} {_fmt(run.get('pages_per_second')):>8} "
                f"{_fmt(run.get('wall_seconds')):>7} {_fmt(run.get('cpu_seconds')):>6} "
                f"{_fmt(run.get('peak_rss_mb'), ' MB'):>9} "
                f"{_fmt(run.get('peak_pss_mb'), ' MB'):>9} "
                f"{_fmt(run.get('load_before')):>5} {note}"
            )
        if row.get("floor_share") is not None:
            print(f"{'':>7} {'ratio':<6} audit/floor = {row['floor_share']:.1%}")
    print("peak RSS: summed over the process tree (shared pages counted twice); PSS: shared")
    print("pages split between the processes that share them.")
    print()


def verdicts(rows: list[dict], *, main_pages: int) -> list[dict]:
    by_size = {row["pages"]: row for row in rows}
    main = by_size.get(main_pages, {})
    audit = main.get("audit") or {}
    results = []

    def verdict(name: str, measured: float | None, target: str, passed: bool | None) -> None:
        results.append({"target": name, "measured": measured, "goal": target, "passed": passed})

    speed = audit.get("pages_per_second")
    verdict(
        f"end-to-end pages/s at {main_pages:,} pages",
        speed,
        f">= {TARGET_PAGES_PER_SECOND:.0f}",
        None if speed is None else speed >= TARGET_PAGES_PER_SECOND,
    )
    share = main.get("floor_share")
    verdict(
        f"end-to-end share of the floor at {main_pages:,} pages",
        share,
        f">= {TARGET_FLOOR_SHARE:.0%}",
        None if share is None else share >= TARGET_FLOOR_SHARE,
    )
    rss_size = TARGET_RSS_AT_PAGES if TARGET_RSS_AT_PAGES in by_size else main_pages
    rss = (by_size[rss_size].get("audit") or {}).get("peak_rss_mb")
    verdict(
        f"end-to-end peak RSS at {rss_size:,} pages",
        rss,
        f"< {TARGET_PEAK_RSS_MB:.0f} MB",
        None if rss is None else rss < TARGET_PEAK_RSS_MB,
    )
    measured_sizes = [
        row["pages"] for row in rows if (row.get("audit") or {}).get("peak_rss_mb") is not None
    ]
    if len(measured_sizes) >= 2:
        smallest, largest = min(measured_sizes), max(measured_sizes)
        low = by_size[smallest]["audit"]["peak_rss_mb"]
        high = by_size[largest]["audit"]["peak_rss_mb"]
        growth = high / low - 1
        verdict(
            f"peak RSS growth {smallest:,} -> {largest:,} pages",
            growth,
            f"< {TARGET_RSS_GROWTH:.0%}",
            growth < TARGET_RSS_GROWTH,
        )
    return results


def print_verdicts(results: list[dict]) -> None:
    for item in results:
        outcome = {True: "PASS", False: "FAIL", None: "N/A "}[item["passed"]]
        measured = item["measured"]
        if measured is None:
            shown = "not measured"
        elif "share" in item["target"] or "growth" in item["target"]:
            shown = f"{measured:.1%}"
        elif "RSS" in item["target"]:
            shown = f"{measured:,.1f} MB"
        else:
            shown = f"{measured:,.1f}"
        print(f"  {outcome}  {item['target']}: {shown} (target {item['goal']})")


# -- main -------------------------------------------------------------------------------------
def _faster(best: dict | None, run: dict) -> dict:
    """Of repeated runs keep the fastest: other load on the machine only ever slows one down.
    Every run's speed and peak RSS stay listed in `runs`."""
    runs = [*(best or {}).get("runs", []), _run_summary(run)]
    if best is None or (run.get("pages_per_second") or 0) > (best.get("pages_per_second") or 0):
        best = run
    return {**best, "runs": runs}


def _run_summary(run: dict) -> dict:
    keys = (
        "pages_per_second",
        "peak_rss_mb",
        "peak_pss_mb",
        "wall_seconds",
        "cpu_seconds",
        "load_before",
    )
    return {key: run.get(key) for key in keys}


def _report_run(pages: int, name: str, run: dict) -> None:
    print(
        f"[{pages:,} pages] {name}: {_fmt(run.get('pages_per_second'))} pages/s, "
        f"peak RSS {_fmt(run.get('peak_rss_mb'), ' MB')} "
        f"(PSS {_fmt(run.get('peak_pss_mb'), ' MB')}), "
        f"wall {_fmt(run.get('wall_seconds'))} s, "
        f"load {_fmt(run.get('load_before'))}",
        flush=True,
    )


def bench_size(pages: int, options: argparse.Namespace) -> dict:
    plan = site_plan(pages)
    row: dict = {
        "pages": pages,
        "site": {
            "linked_pages": len(plan.pages),
            "sitemap_only_pages": len(plan.orphans),
            "redirects": len(plan.redirects),
            "broken_links": len(plan.broken),
            "disallowed_pages": len(plan.blocked),
            "fetchable_urls": plan.fetchable_urls,
        },
    }
    started = time.monotonic()
    with SiteServer(pages) as server:
        print(
            f"[{pages:,} pages] site served at {server.url} "
            f"(built in {time.monotonic() - started:.1f} s)",
            flush=True,
        )
        for attempt in range(options.repeat):
            if not options.skip_floor:
                floor = run_floor(server.url, pages=pages, concurrency=options.concurrency)
                _report_run(pages, "floor", floor)
                row["floor"] = _faster(row.get("floor"), floor)
            if not options.skip_audit:
                profile_to = None
                if options.profile and attempt == 0:
                    profile_to = Path(options.profile).with_suffix(f".{pages}.prof").resolve()
                audit = run_audit(
                    server.url,
                    pages=pages,
                    concurrency=options.concurrency,
                    settings=options.settings,
                    debug=options.debug,
                    profile_to=profile_to,
                )
                _report_run(pages, "audit", audit)
                if profile_to and profile_to.exists():
                    audit["profile"] = str(profile_to)
                    print_profile(str(profile_to))
                row["audit"] = _faster(row.get("audit"), audit)
    floor_speed = (row.get("floor") or {}).get("pages_per_second")
    audit_speed = (row.get("audit") or {}).get("pages_per_second")
    if floor_speed and audit_speed:
        row["floor_share"] = round(audit_speed / floor_speed, 4)
    return row


def wait_for_pipeline(options: argparse.Namespace) -> bool:
    deadline = time.monotonic() + options.wait_for_pipeline * 60
    while True:
        ready, reason = audit_pipeline_ready(options.settings)
        if ready:
            return True
        if time.monotonic() >= deadline:
            print(f"manage.py audit cannot run yet: {reason}", flush=True)
            return False
        print(f"manage.py audit not ready ({reason}); retrying in 60 s", flush=True)
        time.sleep(60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Crawl benchmark: manage.py audit vs. a floor.")
    parser.add_argument("--pages", type=int, default=5000, help="site size for the speed targets")
    parser.add_argument(
        "--sizes", default="", help="comma-separated sizes for the RSS growth check (1000,10000)"
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each measurement this many times and keep the fastest (for busy machines)",
    )
    parser.add_argument("--json-out", help="write every measurement to this file")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS, help="DJANGO_SETTINGS_MODULE")
    parser.add_argument(
        "--debug", action="store_true", help="run the audit with DEBUG on (default: off)"
    )
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--skip-audit", action="store_true")
    parser.add_argument(
        "--profile",
        metavar="PREFIX",
        help="run the audit under cProfile (all threads), writing PREFIX.<pages>.prof",
    )
    parser.add_argument(
        "--wait-for-pipeline",
        type=float,
        default=0,
        metavar="MINUTES",
        help="poll this long for manage.py audit to become importable",
    )
    options = parser.parse_args(argv)
    sizes = sorted({options.pages, *(int(size) for size in options.sizes.split(",") if size)})

    if not options.skip_audit and not wait_for_pipeline(options):
        print("Measuring the floor only.", flush=True)
        options.skip_audit = True

    print(
        f"Crawl benchmark: sizes {', '.join(f'{size:,}' for size in sizes)}, "
        f"concurrency {options.concurrency}, no delay, {os.cpu_count()} CPUs, "
        f"settings {options.settings} (DEBUG {'on' if options.debug else 'off'})",
        flush=True,
    )
    rows = [bench_size(size, options) for size in sizes]
    print_table(rows)
    results = verdicts(rows, main_pages=options.pages)
    print("Targets:")
    print_verdicts(results)
    if options.json_out:
        output = {
            "concurrency": options.concurrency,
            "cpus": os.cpu_count(),
            "settings": options.settings,
            "debug": options.debug,
            "sizes": rows,
            "verdicts": results,
        }
        Path(options.json_out).parent.mkdir(parents=True, exist_ok=True)
        Path(options.json_out).write_text(json.dumps(output, indent=2, default=str))
        print(f"\nResults written to {options.json_out}")
    return 0


def floor_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="The floor crawl (run by the benchmark).")
    parser.add_argument("url")
    parser.add_argument("--pages", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=32)
    options = parser.parse_args(argv)
    # A little headroom: the floor stops at the site's end, not at a page count.
    result = asyncio.run(
        floor_crawl(options.url, concurrency=options.concurrency, max_pages=options.pages * 2)
    )
    print(json.dumps(result))
    return 0


def print_profile(path: str, *, limit: int = 30) -> None:
    import pstats

    stats = pstats.Stats(path)
    print(f"\nProfile {path}, top {limit} by own time:")
    stats.sort_stats("tottime").print_stats(limit)
    print(f"Top {limit} of the project's functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats(str(PROJECT_DIR / "audits"), limit)


if __name__ == "__main__":
    if sys.argv[1:2] == ["floor"]:
        sys.exit(floor_main(sys.argv[2:]))
    if sys.argv[1:2] == ["show-profile"]:
        print_profile(sys.argv[2])
        sys.exit(0)
    sys.exit(main())
