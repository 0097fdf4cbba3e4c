"""Chromium runs the JavaScript of the sites customers audit, so it is started as if hostile.

It gets none of the worker's secrets (only the allow-listed environment), a kernel-enforced
memory limit per process, and its sandbox where the kernel allows it; audits that render
JavaScript can be sent to a queue of their own, for workers that hold no other secret.
What Chromium really got is read from /proc while it runs.
"""

import asyncio
import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

from audits.engine.browser_env import (
    CHROMIUM_ENV_ALLOW,
    DEFAULT_MEMORY_MB,
    MEMORY_ENV,
    NAMESPACE_PROBE,
    SANDBOX_ENV,
    BrowserUnavailableError,
    chromium_environment,
    memory_limit_mb,
    memory_limited_command,
    sandbox_refusal,
)
from audits.engine.crawl_process import ProcessCrawlRunner
from audits.engine.crawler import CrawlSettings, FinishReason
from audits.engine.fetch import BrowserFetcher, _chromium_arguments, find_chromium
from audits.engine.safety import ALLOW_NETWORKS_ENV, VettingProxy
from tests.sites import Page, SiteServer, html

UA = "VivaSEOBot/test (+http://testserver/bot)"
MB = 1024 * 1024

ADDS_A_LINK = (
    "<script>const a = document.createElement('a'); a.href = '/from-js';"
    "a.textContent = 'Added by script'; document.body.appendChild(a);</script>"
)


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch):
    monkeypatch.setenv(ALLOW_NETWORKS_ENV, "127.0.0.0/8")


def parse_environ(raw: bytes) -> dict[str, str]:
    entries = (entry.decode(errors="replace") for entry in raw.split(b"\0") if entry)
    return dict(entry.partition("=")[::2] for entry in entries)


def data_limit(limits: Path) -> tuple[int, int]:
    """RLIMIT_DATA (soft, hard) from /proc/<pid>/limits, readable without CAP_SYS_RESOURCE."""
    for line in limits.read_text().splitlines():
        if line.startswith("Max data size"):
            soft, hard = line.split()[3:5]
            return tuple(-1 if value == "unlimited" else int(value) for value in (soft, hard))
    raise AssertionError(f"no data size limit in {limits}")


class ChromiumWatcher:
    """Record every Chromium process below this one while the block runs, from /proc.

    Only the browser process (the one we exec) keeps its environment where /proc shows it:
    its children overwrite that area with their process titles, and inherit the browser's
    environment anyway. ``environ`` keeps whatever /proc showed, to search every one for leaks.
    """

    def __init__(self) -> None:
        self.chromium = os.path.realpath(find_chromium())
        self.seen: dict[int, dict] = {}
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> "ChromiumWatcher":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        if self.error is not None:
            raise self.error

    def _watch(self) -> None:
        me = psutil.Process()
        try:
            while not self._stop.is_set():
                for process in me.children(recursive=True):
                    try:
                        self._record(process)
                    except (psutil.NoSuchProcess, FileNotFoundError, ProcessLookupError):
                        continue  # it ended between the listing and the reading
                self._stop.wait(0.05)
        except BaseException as error:  # raised again in the test by __exit__
            self.error = error

    def _record(self, process: psutil.Process) -> None:
        known = self.seen.get(process.pid)
        if known is not None:
            known["peak_rss"] = max(known["peak_rss"], process.memory_info().rss)
            # A renderer turns its seccomp filter on a moment after it starts: keep the latest.
            known["seccomp"] = _seccomp_mode(Path(f"/proc/{process.pid}"))
            return
        if process.exe() != self.chromium:
            return  # prlimit before it execs Chromium, the crawl process, Playwright's driver
        parent = process.parent()
        proc = Path(f"/proc/{process.pid}")
        status = dict(
            line.split(":", 1) for line in (proc / "status").read_text().splitlines() if ":" in line
        )
        self.seen[process.pid] = {
            "cmdline": process.cmdline(),
            "environ": (proc / "environ").read_bytes(),
            "is_browser": parent is None or parent.exe() != self.chromium,
            "rlimit_data": data_limit(proc / "limits"),
            "user_namespace": os.readlink(proc / "ns" / "user"),
            "seccomp": _seccomp_mode(proc),
            "pid_namespaces": len(status["NSpid"].split()),
            "peak_rss": process.memory_info().rss,
        }

    @property
    def browsers(self) -> list[dict]:
        return [seen for seen in self.seen.values() if seen["is_browser"]]

    @property
    def renderers(self) -> list[dict]:
        return [seen for seen in self.seen.values() if "--type=renderer" in seen["cmdline"]]


def _seccomp_mode(proc: Path) -> str:
    """0 none, 1 strict, 2 a BPF filter (proc(5))."""
    for line in (proc / "status").read_text().splitlines():
        if line.startswith("Seccomp:"):
            return line.split(":", 1)[1].strip()
    return ""


@pytest.mark.browser
def test_chromium_of_a_render_crawl_gets_no_variable_off_the_allow_list(monkeypatch):
    secret = secrets.token_urlsafe(24)
    canary = secrets.token_hex(16)
    planted = {
        "DJANGO_SECRET_KEY": f"fake-secret-key-{secret}",
        "DATABASE_URL": f"postgres://vivaseo:{secret}@db.internal:5432/vivaseo",
        "RESEND_API_KEY": f"re_{secret}",
        "VIVASEO_TEST_CANARY": canary,
    }
    for name, value in planted.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("TZ", "Europe/Amsterdam")  # on the allow list: it must get through
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    monkeypatch.delenv(SANDBOX_ENV, raising=False)
    worker_env = dict(os.environ)

    pages = {
        "/": Page(html("Home", body=f"<h1>Home</h1>{ADDS_A_LINK}")),
        # Slow, so the watcher sees the browser at work on a page.
        "/from-js": Page(html("From JS"), delay=1.0),
    }
    with SiteServer(pages) as site, ChromiumWatcher() as watcher:
        settings = CrawlSettings(
            start_url=site.url + "/", user_agent=UA, render_js=True, concurrency=2
        )
        runner = ProcessCrawlRunner(settings)  # what audits use: a process forked off the worker
        records = {
            record.url.removeprefix(site.url): record
            for record in runner.records(poll_seconds=0.2)
            if record is not None
        }

    # A real rendering crawl: the second page is linked only by the first one's script.
    assert runner.outcome.finished_because == FinishReason.COMPLETED
    assert set(records) == {"/", "/from-js"}
    assert records["/from-js"].fetch.rendered and records["/from-js"].facts.title == "From JS"

    assert len(watcher.browsers) == 1, watcher.seen
    assert watcher.renderers, "no renderer seen: the watcher did not see the pages rendered"
    browser = watcher.browsers[0]
    chromium_env = parse_environ(browser["environ"])
    leaked = {
        name for name in chromium_env if name in worker_env and name not in CHROMIUM_ENV_ALLOW
    }
    assert leaked == set()
    assert set(chromium_env) <= CHROMIUM_ENV_ALLOW
    assert not set(planted) & set(chromium_env)
    assert chromium_env["TZ"] == "Europe/Amsterdam"
    assert chromium_env["PATH"] == worker_env["PATH"]
    assert chromium_env["HOME"] != worker_env.get("HOME")
    assert chromium_env["HOME"].startswith(tempfile.gettempdir() + "/vivaseo-chromium-")
    for seen in watcher.seen.values():  # the renderers, GPU and utility processes too
        shown = seen["environ"] + "\0".join(seen["cmdline"]).encode()
        for value in (secret.encode(), canary.encode(), b"VIVASEO_TEST_CANARY"):
            assert value not in shown, seen["cmdline"]

    # The memory limit is on every process, and Chromium cannot raise it.
    for seen in watcher.seen.values():
        soft, hard = seen["rlimit_data"]
        assert hard == DEFAULT_MEMORY_MB * MB, seen["cmdline"]
        assert soft <= hard
    assert f"--js-flags=--max-old-space-size={DEFAULT_MEMORY_MB // 2}" in browser["cmdline"]
    # Chromium refuses its sandbox as root (CI), so there and only there it is switched off.
    assert ("--no-sandbox" in browser["cmdline"]) == (os.geteuid() == 0)


GREEDY_PAGE = """<!doctype html><html><head><title>Greedy</title></head><body>
<p id="result">not run</p><script>
const kept = []; let error = "none";
try {
  for (let i = 0; i < 32; i++) {  // 2 GB, 64 MB at a time, every byte touched
    const block = new Uint8Array(64 * 1024 * 1024); block.fill(1); kept.push(block);
  }
} catch (e) { error = e.name; }
document.getElementById("result").textContent = `allocated ${kept.length * 64} MB, ${error}`;
</script></body></html>"""


@pytest.mark.browser
def test_a_page_cannot_take_more_memory_than_the_per_process_limit(monkeypatch):
    limit_mb = 768
    monkeypatch.setenv(MEMORY_ENV, str(limit_mb))

    async def render(url: str):
        async with BrowserFetcher(timeout=60) as fetcher:
            return await fetcher.fetch(url)

    with SiteServer({"/": Page(GREEDY_PAGE)}) as site, ChromiumWatcher() as watcher:
        result = asyncio.run(render(site.url + "/"))

    assert result.status_code == 200 and result.error is None, result.error_detail
    found = re.search(rb"allocated (\d+) MB, (\w+)", result.body)
    assert found, result.body[:500]
    allocated_mb = int(found[1])
    # The kernel refused the allocation past the limit; the page lived on and said so.
    assert found[2] == b"RangeError"
    assert 0 < allocated_mb < limit_mb
    assert watcher.renderers
    for seen in watcher.seen.values():
        assert seen["rlimit_data"][1] == limit_mb * MB
    # RSS also counts Chromium's code and shared memory, which the data limit leaves out.
    peak_rss_mb = max(seen["peak_rss"] for seen in watcher.renderers) / MB
    assert peak_rss_mb < limit_mb + 256, peak_rss_mb


@pytest.mark.browser
def test_renderers_run_in_the_sandbox_for_an_unprivileged_user(monkeypatch):
    """What a render worker gets: a non-root user (CI runs as root, so Chromium runs as
    nobody here) on a kernel that allows user namespaces. Chromium is started with the exact
    command, arguments and environment BrowserFetcher uses with the sandbox on."""
    account = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
    as_user = (
        {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
    )
    probe = subprocess.run(list(NAMESPACE_PROBE), capture_output=True, check=False, **as_user)
    assert probe.returncode == 0, (
        "This kernel does not let an unprivileged user create user namespaces, so Chromium's "
        f"sandbox cannot run here: {probe.stderr.decode(errors='replace')}"
    )

    work = Path(tempfile.mkdtemp(prefix="vivaseo-chromium-"))
    work.chmod(0o755)
    for sub in ("profile", "home", "config", "cache"):
        (work / sub).mkdir()
        if account:
            os.chown(work / sub, account.pw_uid, account.pw_gid)
    pages = {"/": Page(html("Sandboxed", body="<script>fetch('/script-ran')</script>"))}

    async def scenario(site: SiteServer, watcher: ChromiumWatcher) -> None:
        proxy = VettingProxy()
        await proxy.start()
        memory_mb = memory_limit_mb()
        arguments = _chromium_arguments(
            profile_dir=work / "profile", proxy_url=proxy.url, sandbox=True, memory_mb=memory_mb
        )
        assert arguments[-1] == "about:blank"
        arguments[-1] = site.url + "/"
        process = subprocess.Popen(
            memory_limited_command([find_chromium(), *arguments], memory_mb=memory_mb),
            env=chromium_environment(home=work),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(work / "chromium.log").open("wb"),
            start_new_session=True,
            **as_user,
        )
        try:
            deadline = time.monotonic() + 60
            while "/script-ran" not in site.requests or not watcher.renderers:
                assert process.poll() is None, (work / "chromium.log").read_text()[-2000:]
                assert time.monotonic() < deadline, (
                    f"in 60 s: script ran {'/script-ran' in site.requests}, Chromium processes "
                    f"seen {len(watcher.seen)}, renderers {len(watcher.renderers)}; "
                    + (work / "chromium.log").read_text()[-1500:]
                )
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # the watcher reads the running renderers again
        finally:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)
            await proxy.close()

    try:
        with SiteServer(pages) as site, ChromiumWatcher() as watcher:
            asyncio.run(scenario(site, watcher))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    browser = watcher.browsers[0]
    assert "--no-sandbox" not in browser["cmdline"]
    for renderer in watcher.renderers:
        # A user namespace and a PID namespace of its own, and a seccomp-bpf syscall filter.
        assert renderer["user_namespace"] != browser["user_namespace"]
        assert renderer["pid_namespaces"] > browser["pid_namespaces"]
        assert renderer["seccomp"] == "2"


@pytest.mark.browser
def test_a_required_sandbox_refuses_to_render_without_it(monkeypatch):
    monkeypatch.setenv(SANDBOX_ENV, "required")

    async def start() -> list[str]:
        async with BrowserFetcher() as fetcher:
            return psutil.Process(fetcher._process.pid).cmdline()

    refusal = sandbox_refusal()
    if refusal is None:  # an unprivileged user on a kernel that allows the sandbox
        assert "--no-sandbox" not in asyncio.run(start())
    else:  # root (CI) or no user namespaces: no Chromium at all rather than an unsandboxed one
        with pytest.raises(BrowserUnavailableError, match="sandbox is required"):
            asyncio.run(start())
        if os.geteuid() == 0:
            assert "root" in refusal
    children = [p for p in psutil.Process().children(recursive=True) if "chromium" in p.name()]
    assert children == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (MEMORY_ENV, "256", "cannot start with less than 512 MB"),
        (MEMORY_ENV, "lots", "not a whole number"),
        (SANDBOX_ENV, "sometimes", "use auto"),
    ],
)
def test_browser_settings_that_make_no_sense_stop_the_start(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(BrowserUnavailableError, match=message):
        asyncio.run(BrowserFetcher().start())


def test_render_audits_go_to_the_render_queue_only_when_one_is_set(
    settings, make_user, django_capture_on_commit_callbacks
):
    from audits.models import Website
    from audits.services.scans import scan_start
    from tests.plans import plan_give
    from vivaseo_site.celery import app

    customer = make_user()
    plan_give(customer, "premium")  # rendering, several websites
    default_queue = app.conf.task_default_queue

    def queue_of(scan) -> str:
        return app.amqp.router.route({}, "audits.run_scan", args=(scan.pk,))["queue"].name

    def website(name: str) -> Website:  # one audit at a time runs per website
        return Website.objects.create(user=customer, url=f"https://{name}.example/", name=name)

    settings.VIVASEO_RENDER_QUEUE = ""  # the default: one queue for everything
    rendering = scan_start(user=customer, website=website("shop"), render_js=True)
    assert queue_of(rendering) == default_queue

    settings.VIVASEO_RENDER_QUEUE = render_queue = f"render-{secrets.token_hex(4)}"
    with django_capture_on_commit_callbacks(execute=True):
        plain = scan_start(user=customer, website=website("blog"))
        rendering = scan_start(user=customer, website=website("app"), render_js=True)
    assert queue_of(plain) == default_queue
    assert queue_of(rendering) == render_queue

    # What the broker holds: the rendering audit, and only it, waits on the render queue.
    # Non-blocking reads only: a blocking get leaves a Redis channel waiting on BRPOP, and a
    # crawl process forked later by this test process would inherit it and hang closing it.
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(render_queue)
        message = queue.get_nowait()
        message.ack()
        assert message.headers["task"] == "audits.run_scan"
        assert message.payload[0] == [rendering.pk]
        with pytest.raises(queue.Empty):
            queue.get_nowait()
        queue.close()
