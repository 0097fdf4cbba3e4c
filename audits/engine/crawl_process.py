"""The crawl in a process of its own, so fetching and parsing use the second core.

`CrawlRunner` runs the crawl in a thread: simple, but the crawl (fetch + parse, ~1.8 ms of CPU
a page) and the caller's database writes (~1.5 ms a page) then share one GIL, and the audit
runs at about a fifth of what a bare fetch-and-parse loop manages. `ProcessCrawlRunner` has the
same interface (`records()`, `outcome`, `request_stop()`) and runs that same `CrawlRunner` in a
forked child that sends the parsed pages back through a pipe in batches.

Why fork: it starts in milliseconds with everything already imported (crawl4ai alone takes
a second or more to import), and the engine holds no database connection or other shared
state. The child never touches what it inherited from the parent (Django's connections
included) and ends with `os._exit`, so it closes none of it. Why billiard (Celery's fork of
multiprocessing) and not the standard library: audits run in Celery's prefork pool children,
which are daemonic, and the standard library refuses to start a child from a daemonic process.

What crosses the pipe: ("pages", batch, pages_fetched, new_robots, site) messages, then one
("done", CrawlOutcome) or ("error", exception, traceback text). A batch is a list of
(PageRecord, robots.txt URL) pairs: each origin's parsed robots.txt is sent once, in
`new_robots`, and put back on the records by the parent (pickling it with every batch cost
more than the crawl). `site` is the crawl's outcome so far, sent once with the first page:
robots.txt, sitemaps and the start URL, so the report has them even if the crawl process has
to be killed before it can say "done". The stop request goes the other way through a byte of
shared memory, read by the child between records.

The pipe is the back-pressure: when the parent's database falls behind, the child blocks in
`send`, its own bounded queue fills and the crawl waits. If the parent dies (a worker killed
mid-audit), the child's next `send` fails (it holds no reading end of its own) or its parent
id changes, and it stops.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import signal
import time
import traceback
from collections.abc import Iterator

import billiard
from billiard import util as billiard_util

from .crawler import (
    CrawlOutcome,
    CrawlRunner,
    CrawlSettings,
    FinishReason,
    PageRecord,
    record_weight,
)
from .sitefacts import RobotsTxt

logger = logging.getLogger(__name__)

# Records per message, and the longest a record waits in the child before it is sent. A batch
# of pages with many links goes sooner (record_weight, about bytes): the pickled message and
# its copy in the parent stay small.
BATCH_RECORDS = 32
BATCH_WEIGHT = 4 * 1024 * 1024
FLUSH_SECONDS = 0.1
# How long the parent waits for a stopped child to say "done" before it kills it.
STOP_GRACE_SECONDS = 30.0

_REASONS: tuple[FinishReason, ...] = tuple(FinishReason)  # stop codes: index + 1


class CrawlProcessError(RuntimeError):
    """The crawl process died, or failed with an exception that cannot cross the pipe."""


def fork_available() -> bool:
    return "fork" in billiard.get_all_start_methods()


class ProcessCrawlRunner:
    """Runs a CrawlRunner in a forked child; the caller iterates `records()` in its own thread.

    `outcome` counts pages as batches arrive (for progress); it is replaced by the crawl's
    outcome so far with the first page, and by its final outcome once the crawl has ended, so
    read it through the runner rather than keeping a reference.
    """

    def __init__(self, settings: CrawlSettings):
        self.settings = settings
        self.outcome = CrawlOutcome()
        self._context = billiard.get_context("fork")
        self._stop_code = self._context.Value("b", 0, lock=False)
        self._process = None
        self._robots: dict[str, RobotsTxt] = {}

    def request_stop(self, reason: FinishReason) -> None:
        self._stop_code.value = _REASONS.index(reason) + 1

    def records(self, *, poll_seconds: float = 1.0) -> Iterator[PageRecord | None]:
        """Yield records as they arrive, and None every `poll_seconds` without one (so the
        caller can check for cancellation). Raises what the crawl raised."""
        reader, writer = self._context.Pipe(duplex=False)
        self._process = self._context.Process(
            target=_child_main,
            args=(self.settings, reader, writer, self._stop_code, os.getpid()),
            name="vivaseo-crawl",
            daemon=True,  # ended by the parent's normal exit, if it is still running then
        )
        self._start()
        writer.close()  # the child holds the only writing end: EOF means it is gone
        ended = False
        try:
            while True:
                if not reader.poll(poll_seconds):
                    yield None
                    continue
                kind, *payload = self._receive(reader)
                if kind == "pages":
                    yield from self._unpack(*payload)
                elif kind == "done":
                    self.outcome = payload[0]
                    ended = True
                    return
                else:  # "error"
                    ended = True
                    error, child_traceback = payload
                    logger.error("the crawl process failed:\n%s", child_traceback)
                    raise error
        finally:
            try:
                if not ended:
                    self._stop_and_drain(reader)
                reader.close()
            finally:
                self._reap()

    def _start(self) -> None:
        # Objects frozen before the fork are left alone by the child's garbage collector, so
        # their pages stay shared instead of being copied into the child. (Only when nothing
        # else froze objects: unfreezing would undo that.)
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        # billiard runs every registered after-fork hook in the child. kombu's close the
        # parent's broker connections there, and closing a Redis channel that waits on a
        # reply (BRPOP) blocks reading a socket the parent owns: the crawl would never start.
        # The child never talks to the broker, so it gets no hooks.
        hooks = dict(billiard_util._afterfork_registry)
        billiard_util._afterfork_registry.clear()
        try:
            self._process.start()
        finally:
            billiard_util._afterfork_registry.update(hooks)
            if freeze:
                gc.unfreeze()

    def _unpack(self, batch, pages_fetched, new_robots, site) -> list[PageRecord]:
        if site is not None:
            self.outcome = site
        self.outcome.pages_fetched = pages_fetched
        self._robots.update(new_robots)
        for record, robots_url in batch:
            record.robots = self._robots[robots_url] if robots_url else None
        return [record for record, _robots_url in batch]

    def _receive(self, reader) -> tuple:
        try:
            return reader.recv()
        except (EOFError, OSError):  # OSError: it died in the middle of a message
            self._process.join(timeout=5)
            code = self._process.exitcode
            raise CrawlProcessError(
                "the crawl process ended unexpectedly"
                + (f" (exit code {code})" if code is not None else "")
            ) from None

    def _stop_and_drain(self, reader) -> None:
        """The caller stopped early (error or time limit): stop the child, keep its outcome."""
        if not self._stop_code.value:
            self.request_stop(FinishReason.STOPPED)
        reason = _REASONS[self._stop_code.value - 1]
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        try:
            while time.monotonic() < deadline:
                if not reader.poll(0.1):
                    if not self._process.is_alive():
                        break
                    continue
                kind, *payload = reader.recv()
                if kind == "pages" and payload[3] is not None:
                    self.outcome = payload[3]  # the site facts, should "done" never come
                elif kind == "done":
                    self.outcome = payload[0]
                    return
                elif kind == "error":
                    break
        except Exception:
            # Half a message (the caller was interrupted inside recv) or a dead child: the
            # pipe cannot be read any more; _reap ends the child.
            logger.warning("could not drain the crawl process", exc_info=True)
        self.outcome.finished_because = reason

    def _reap(self) -> None:
        self._process.join(timeout=STOP_GRACE_SECONDS)
        if self._process.is_alive():
            logger.warning("the crawl process did not stop; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._process.pid, signal.SIGKILL)
            self._process.join()


class _Sender:
    """The child's end of the pipe: batches records, sends them with the running page count,
    each origin's robots.txt once, and the site facts with the first page."""

    def __init__(self, writer):
        self.writer = writer
        self.batch: list[tuple[PageRecord, str | None]] = []
        self.batch_weight = 0
        self.new_robots: dict[str, RobotsTxt] = {}
        self.sent_robots: set[str] = set()
        self.site_sent = False
        self.oldest = 0.0

    def add(self, record: PageRecord) -> None:
        if not self.batch:
            self.oldest = time.monotonic()
        robots_url = None
        if record.robots is not None:
            robots_url = record.robots.url
            if robots_url not in self.sent_robots:
                self.sent_robots.add(robots_url)
                self.new_robots[robots_url] = record.robots
            record.robots = None
        self.batch.append((record, robots_url))
        self.batch_weight += record_weight(record)

    def due(self) -> bool:
        return (
            len(self.batch) >= BATCH_RECORDS
            or self.batch_weight >= BATCH_WEIGHT
            or (bool(self.batch) and time.monotonic() - self.oldest >= FLUSH_SECONDS)
        )

    def flush(self, *, outcome: CrawlOutcome) -> None:
        if not self.batch:
            return
        site = None if self.site_sent else outcome
        self.writer.send(("pages", self.batch, outcome.pages_fetched, self.new_robots, site))
        self.site_sent = True
        self.batch, self.new_robots, self.batch_weight = [], {}, 0


def _child_main(settings: CrawlSettings, reader, writer, stop_code, parent_pid: int) -> None:
    # Without a reading end of its own, a child whose parent died gets EPIPE from `send`
    # instead of blocking forever on a full pipe.
    reader.close()
    # Ctrl-C reaches the whole process group: the parent decides how the crawl stops. A
    # Celery pool child's SIGTERM and soft-time-limit (SIGUSR1) handlers must not run here
    # either: plain termination shows in the parent as a crawl process that died.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGUSR1, signal.SIG_DFL)
    sender = _Sender(writer)
    applied_stop = 0
    try:
        runner = CrawlRunner(settings)
        for record in runner.records(poll_seconds=FLUSH_SECONDS):
            if stop_code.value != applied_stop:
                applied_stop = stop_code.value
                runner.request_stop(_REASONS[applied_stop - 1])
            if os.getppid() != parent_pid and not runner.stop.is_set():
                runner.request_stop(FinishReason.STOPPED)  # orphaned: nobody reads the pages
            if record is not None:
                sender.add(record)
            if record is None or sender.due():
                sender.flush(outcome=runner.outcome)
        sender.flush(outcome=runner.outcome)
        writer.send(("done", runner.outcome))
    except (BrokenPipeError, ConnectionResetError):
        pass  # the parent is gone; leaving the loop above stopped the crawl
    except BaseException as exc:  # sent to the parent, which raises it in its own thread
        details = traceback.format_exc()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            writer.send(("error", _portable(exc), details))
    finally:
        writer.close()


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else a CrawlProcessError naming it."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return CrawlProcessError(f"{type(exc).__name__}: {exc}")
    return exc
