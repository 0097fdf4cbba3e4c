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

What crosses the pipe: ("pages", [PageRecord, ...], pages_fetched) batches, then one
("done", CrawlOutcome) or ("error", exception, traceback text). The stop request goes the
other way through a byte of shared memory, read by the child between records.

The pipe is the back-pressure: when the parent's database falls behind, the child blocks in
`send`, its own bounded queue fills and the crawl waits. If the parent dies (a worker killed
mid-audit), the child's next `send` fails or its parent id changes, and it stops.
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

from .crawler import CrawlOutcome, CrawlRunner, CrawlSettings, FinishReason, PageRecord

logger = logging.getLogger(__name__)

# Records per message, and the longest a record waits in the child before it is sent.
BATCH_RECORDS = 32
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

    `outcome` counts pages as batches arrive (for progress) and becomes the child's full
    CrawlOutcome once the crawl has ended.
    """

    def __init__(self, settings: CrawlSettings):
        self.settings = settings
        self.outcome = CrawlOutcome()
        self._context = billiard.get_context("fork")
        self._stop_code = self._context.Value("b", 0, lock=False)
        self._process = None

    def request_stop(self, reason: FinishReason) -> None:
        if not self._stop_code.value:
            self._stop_code.value = _REASONS.index(reason) + 1

    def records(self, *, poll_seconds: float = 1.0) -> Iterator[PageRecord | None]:
        """Yield records as they arrive, and None every `poll_seconds` without one (so the
        caller can check for cancellation). Raises what the crawl raised."""
        reader, writer = self._context.Pipe(duplex=False)
        self._process = self._context.Process(
            target=_child_main,
            args=(self.settings, writer, self._stop_code, os.getpid()),
            name="vivaseo-crawl",
            daemon=True,  # never outlives the parent's normal exit
        )
        # Objects frozen before the fork are left alone by the child's garbage collector, so
        # their pages stay shared instead of being copied into the child.
        gc.freeze()
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        writer.close()  # the child holds the only writing end: EOF means it is gone
        ended = False
        try:
            while True:
                if not reader.poll(poll_seconds):
                    yield None
                    continue
                kind, *payload = self._receive(reader)
                if kind == "pages":
                    records, self.outcome.pages_fetched = payload
                    yield from records
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
            if not ended:
                self._stop_and_drain(reader)
            reader.close()
            self._reap()

    def _receive(self, reader) -> tuple:
        try:
            return reader.recv()
        except EOFError:
            self._process.join(timeout=5)
            raise CrawlProcessError(
                f"the crawl process ended unexpectedly (exit code {self._process.exitcode})"
            ) from None

    def _stop_and_drain(self, reader) -> None:
        """The caller stopped early (error or time limit): stop the child, keep its outcome."""
        self.request_stop(FinishReason.STOPPED)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while time.monotonic() < deadline:
            if not reader.poll(0.1):
                if not self._process.is_alive():
                    return
                continue
            try:
                kind, *payload = reader.recv()
            except (EOFError, OSError):
                return
            if kind == "done":
                self.outcome = payload[0]
                return
            if kind == "error":
                return

    def _reap(self) -> None:
        self._process.join(timeout=STOP_GRACE_SECONDS)
        if self._process.is_alive():
            logger.warning("the crawl process did not stop; killing it")
            self._process.kill()
            self._process.join()


class _Sender:
    """The child's end of the pipe: batches records, sends them with the running page count."""

    def __init__(self, writer):
        self.writer = writer
        self.batch: list[PageRecord] = []
        self.oldest = 0.0

    def add(self, record: PageRecord) -> None:
        if not self.batch:
            self.oldest = time.monotonic()
        self.batch.append(record)

    def due(self) -> bool:
        return len(self.batch) >= BATCH_RECORDS or (
            bool(self.batch) and time.monotonic() - self.oldest >= FLUSH_SECONDS
        )

    def flush(self, *, pages_fetched: int) -> None:
        if self.batch:
            self.writer.send(("pages", self.batch, pages_fetched))
            self.batch = []


def _child_main(settings: CrawlSettings, writer, stop_code, parent_pid: int) -> None:
    # Ctrl-C reaches the whole process group: the parent decides how the crawl stops. A
    # Celery pool child's own SIGTERM handler must not run here either: plain termination
    # shows in the parent as a crawl process that died.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sender = _Sender(writer)
    try:
        runner = CrawlRunner(settings)
        for record in runner.records(poll_seconds=FLUSH_SECONDS):
            if stop_code.value and not runner.stop.is_set():
                runner.request_stop(_REASONS[stop_code.value - 1])
            if os.getppid() != parent_pid and not runner.stop.is_set():
                runner.request_stop(FinishReason.STOPPED)  # orphaned: nobody reads the pages
            if record is not None:
                sender.add(record)
            if record is None or sender.due():
                sender.flush(pages_fetched=runner.outcome.pages_fetched)
        sender.flush(pages_fetched=runner.outcome.pages_fetched)
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
