"""Writes for audits: start, run, cancel and recover scans.

`scan_run` is the whole pipeline a worker runs: claim the scan (so a re-delivered task never
crawls twice), crawl and store pages in batches as they arrive, run the cross-page checks as
database queries, score, and write the report. Progress (0-100 and a step name) and a
heartbeat are written as it goes, so a scan whose worker dies is noticed and retried.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audits import crawl_settings, task_names
from audits.checks import run_page_checks, run_site_checks
from audits.checks.indexability import robots_blocked_bots
from audits.clean import json_clean, row_clean, text_clean, values_clean
from audits.engine.crawl_process import ProcessCrawlRunner, fork_available
from audits.engine.crawler import CrawlRunner, CrawlSettings, FinishReason, PageRecord
from audits.engine.urls import same_site
from audits.models import (
    ALREADY_RUNNING_MESSAGE,
    Finding,
    PageLink,
    PageResult,
    SEOReport,
    SEOScan,
    Website,
)
from audits.scoring import recommendations_build, scan_scores
from audits.storage import (
    checked_page_build,
    page_inlinks_update,
    page_link_rows,
    page_links_insert,
    page_result_from_checked,
)
from audits.website_address import website_url_clean
from billing.selectors import may, user_plan
from vivaseo_site.accounts.services import user_locked
from vivaseo_site.core.queue import task_queue_on_commit

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
BATCH_SECONDS = 1.0
# A scan in one of these has ended: whatever ends it again (a late cancel, a failure) changes
# nothing, so an audit is given back at most once.
ENDED_STATUSES = (SEOScan.Status.COMPLETED, SEOScan.Status.FAILED, SEOScan.Status.CANCELLED)


class ScanAlreadyRunning(ValidationError):
    """The website has a pending or processing audit (the database allows only one)."""

    def __init__(self):
        super().__init__(ALREADY_RUNNING_MESSAGE, code="already_running")


@transaction.atomic
def scan_start(
    *,
    user,
    website: Website,
    scan_type: str = SEOScan.ScanType.MANUAL,
    max_pages: int | None = None,
    max_depth: int = crawl_settings.DEFAULT_MAX_DEPTH,
    render_js: bool = False,
    crawl_options: dict | None = None,
    scheduled_for=None,
    queue: bool = True,
) -> SEOScan:
    """Create a pending scan and queue it on commit. Returns at once.

    With ``queue=False`` nothing is queued: the caller runs it with `scan_run` itself (the
    demo's audits), so no worker can claim it first.

    Raises LimitReached (billing) when the plan allows no more audits this period, not this
    many pages or no JavaScript rendering, and ScanAlreadyRunning when the website has a
    running audit: a unique index allows one per website, so two concurrent starts cannot
    both get through.
    """
    if website.user_id != user.pk:
        raise PermissionDenied("This website belongs to another account.")
    if not website.is_active:
        raise ValidationError(_("This website is deactivated. Activate it to audit it again."))
    max_pages = scan_allowance_check(user=user, max_pages=max_pages, render_js=render_js)
    try:
        with transaction.atomic():
            scan = SEOScan.objects.create(
                website=website,
                user=user,
                url=website.url,
                scan_type=scan_type,
                max_pages=max_pages,
                max_depth=max_depth,
                render_js=render_js,
                crawl_options=crawl_options or {},
                scheduled_for=scheduled_for,
                progress_step=_("Waiting for a free worker"),
            )
    except IntegrityError:
        # The insert waited for the other start to commit, so its scan is visible now. Any
        # other conflict (a schedule slot taken twice) is the caller's to handle.
        if SEOScan.objects.filter(website=website, status__in=SEOScan.ACTIVE_STATUSES).exists():
            raise ScanAlreadyRunning() from None
        raise
    if queue:
        scan_enqueue(scan=scan)
    return scan


def usual_page_limit(limits) -> int:
    """The pages an audit crawls when nobody chose: the usual number, or fewer when the plan
    (``limits``, a billing.PlanLimits) allows fewer."""
    allowed = limits.pages_per_audit
    usual = crawl_settings.DEFAULT_MAX_PAGES
    return usual if allowed is None else min(usual, allowed)


def scan_allowance_check(*, user, max_pages: int | None, render_js: bool) -> int:
    """Raise LimitReached unless ``user``'s plan allows this audit now; returns its page
    limit (``max_pages``, or the usual one within the plan when None).

    Call it inside the transaction that creates the scan: the user row is locked first, so
    two quick clicks cannot both spend the last audit of the period (usage is counted from
    the scans themselves)."""
    locked_user = user_locked(user=user)
    plan = user_plan(locked_user)
    may(locked_user, "start_audit", plan=plan).raise_if_refused()
    if max_pages is None:
        max_pages = usual_page_limit(plan.limits)
    may(locked_user, "pages_per_audit", plan=plan, n=max_pages).raise_if_refused()
    if render_js:
        may(locked_user, "render_javascript", plan=plan).raise_if_refused()
    return max_pages


def scan_enqueue(*, scan: SEOScan) -> None:
    task_queue_on_commit(task_names.RUN_SCAN, scan.pk)


@transaction.atomic
def scan_cancel(*, scan: SEOScan, user) -> SEOScan:
    """Ask a running scan to stop; a pending one is cancelled at once and, having crawled
    nothing, is not counted against the plan (a running one is not when it stops with no
    page)."""
    if scan.user_id != user.pk:
        raise PermissionDenied("This audit belongs to another account.")
    cancelled = SEOScan.objects.filter(pk=scan.pk, status=SEOScan.Status.PENDING).update(
        status=SEOScan.Status.CANCELLED,
        completed_at=timezone.now(),
        progress_step=_("Cancelled"),
    )
    if cancelled:
        _audit_give_back(scan)
    SEOScan.objects.filter(pk=scan.pk, status=SEOScan.Status.PROCESSING).update(
        cancel_requested=True
    )
    scan.refresh_from_db()
    return scan


def _audit_give_back(scan: SEOScan) -> None:
    """The audit is not counted against its owner's plan: it gave them nothing. Callers call
    it once per scan, from the update that ended it."""
    SEOScan.objects.filter(pk=scan.pk).update(refunded=True)


def _claim(scan_id: int) -> SEOScan | None:
    """Move the scan to processing if nobody else runs it; None if there is nothing to do."""
    now = timezone.now()
    stale = now - timedelta(seconds=crawl_settings.STUCK_AFTER_SECONDS)
    claimable = models.Q(status=SEOScan.Status.PENDING) | models.Q(
        status=SEOScan.Status.PROCESSING, heartbeat_at__lt=stale
    )
    claimed = SEOScan.objects.filter(
        claimable, pk=scan_id, attempts__lt=crawl_settings.MAX_ATTEMPTS
    ).update(
        status=SEOScan.Status.PROCESSING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        progress=1,
        progress_step="Starting",
        error_message="",
    )
    if not claimed:
        return None
    scan = SEOScan.objects.get(pk=scan_id)
    if scan.attempts > 1:
        # A previous worker died mid-crawl: start again from a clean slate.
        _scan_rows_delete(scan)
    return scan


def _scan_rows_delete(scan: SEOScan) -> None:
    Finding.objects.filter(scan=scan).delete()
    PageLink.objects.filter(scan=scan).delete()
    PageResult.objects.filter(scan=scan).delete()
    SEOReport.objects.filter(scan=scan).delete()


def _progress(scan: SEOScan, *, progress: int, step: str, **fields) -> bool:
    """Write progress and a heartbeat; returns True when the crawl should stop: the customer
    asked to cancel, or the scan is gone (its account or website was deleted mid-crawl)."""
    updated = SEOScan.objects.filter(pk=scan.pk).update(
        progress=progress, progress_step=step, heartbeat_at=timezone.now(), **fields
    )
    return not updated or SEOScan.objects.filter(pk=scan.pk, cancel_requested=True).exists()


def crawl_settings_for(scan: SEOScan) -> CrawlSettings:
    options = scan.crawl_options or {}
    return CrawlSettings(
        # The one address check the add-website form passed (audits.website_address).
        start_url=website_url_clean(scan.url),
        user_agent=options.get("user_agent") or crawl_settings.bot_user_agent(),
        max_pages=scan.max_pages,
        max_depth=scan.max_depth,
        render_js=scan.render_js,
        time_budget_seconds=options.get(
            "time_budget_seconds", crawl_settings.DEFAULT_TIME_BUDGET_SECONDS
        ),
        request_timeout_seconds=options.get(
            "request_timeout_seconds", crawl_settings.DEFAULT_REQUEST_TIMEOUT_SECONDS
        ),
        max_response_bytes=options.get(
            "max_response_bytes", crawl_settings.DEFAULT_MAX_RESPONSE_BYTES
        ),
        concurrency=options.get("concurrency", crawl_settings.DEFAULT_CONCURRENCY),
        delay_seconds=options.get("delay_seconds", 0.0),
        obey_robots=options.get("obey_robots", True),
        include_subdomains=options.get("include_subdomains", False),
        include_patterns=tuple(options.get("include_patterns", ())),
        exclude_patterns=tuple(options.get("exclude_patterns", ())),
    )


@dataclass
class _PageBatch:
    """Pages waiting to be written, with their findings and links."""

    pages: list[PageResult] = field(default_factory=list)
    findings: list[list[Finding]] = field(default_factory=list)
    links: list[list[list]] = field(default_factory=list)  # storage.page_link_rows rows
    started: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        return len(self.pages) >= BATCH_SIZE or (
            self.pages and time.monotonic() - self.started >= BATCH_SECONDS
        )

    @transaction.atomic
    def write(self) -> int:
        if not self.pages:
            return 0
        PageResult.objects.bulk_create(self.pages, batch_size=BATCH_SIZE)
        findings, links = [], []
        for page, page_findings, page_links in zip(
            self.pages, self.findings, self.links, strict=True
        ):
            for finding in page_findings:
                finding.page_id = page.pk
                row_clean(finding)  # details quote the page (pages are cleaned when built)
            findings.extend(page_findings)
            links.extend((page.pk, row) for row in page_links)
        Finding.objects.bulk_create(findings, batch_size=500)
        page_links_insert(scan_id=self.pages[0].scan_id, rows=links)
        written = len(self.pages)
        self.pages, self.findings, self.links = [], [], []
        self.started = time.monotonic()
        return written


class _ScanPipeline:
    def __init__(self, scan: SEOScan, *, stop_on: tuple[type[BaseException], ...] = ()):
        self.scan = scan
        self.stop_on = stop_on
        self.settings = crawl_settings_for(scan)
        self.site_is_https = self.settings.start_url.startswith("https://")
        self.site_roots = [self.settings.start_url]
        self._internal: dict[str, bool] = {}
        self.stored_urls: set[str] = set()

    def is_internal(self, url: str) -> bool:
        # Asked for every link of every page (counts, link rows): the same nav URLs repeat.
        known = self._internal.get(url)
        if known is None:
            known = self._internal[url] = any(
                same_site(url, root, include_subdomains=self.settings.include_subdomains)
                for root in self.site_roots
            )
        return known

    def build(self, record: PageRecord) -> tuple[PageResult, list[Finding], list[list]]:
        parser = record.robots.parser if record.robots else None
        checked = checked_page_build(
            fetch=record.fetch,
            facts=record.facts,
            url=record.url,
            depth=record.depth,
            in_sitemap=record.in_sitemap,
            blocked_by_robots=record.blocked_by_robots,
            site_is_https=self.site_is_https,
            is_internal=self.is_internal,
            robots_blocked_bots=(
                robots_blocked_bots(can_fetch=parser.can_fetch, url=record.url) if parser else ()
            ),
            body_size=record.body_size,
        )
        page = page_result_from_checked(scan=self.scan, page=checked)
        findings = run_page_checks(page, checked=checked)
        links = page_link_rows(page=page, facts=record.facts, is_internal=self.is_internal)
        return page, findings, links

    def crawl(self, runner: CrawlRunner | ProcessCrawlRunner) -> None:
        batch = _PageBatch()
        stored = 0
        last_progress = 0.0
        try:
            for record in runner.records():
                if record is not None and record.url not in self.stored_urls:
                    self.stored_urls.add(record.url)
                    if record.depth == 0 and record.fetch and record.fetch.final_url:
                        self.site_roots.append(record.fetch.final_url)
                        self._internal.clear()
                        self.site_is_https = record.fetch.final_url.startswith("https://")
                    page, findings, links = self.build(record)
                    batch.pages.append(page)
                    batch.findings.append(findings)
                    batch.links.append(links)
                if batch.due() or (record is None and batch.pages):
                    stored += batch.write()
                if time.monotonic() - last_progress >= 1.0:
                    last_progress = time.monotonic()
                    fetched = runner.outcome.pages_fetched
                    share = min(fetched / max(self.scan.max_pages, 1), 1.0)
                    if _progress(
                        self.scan,
                        progress=5 + int(75 * share),
                        step=_("Crawling pages (%(count)d found)") % {"count": fetched},
                        pages_crawled=stored,
                    ):
                        runner.request_stop(FinishReason.CANCELLED)
        except self.stop_on:
            # The caller's time limit (the Celery task's soft limit): keep what was found and
            # score it.
            runner.request_stop(FinishReason.STOPPED)
            runner.outcome.finished_because = FinishReason.STOPPED
        batch.write()

    def was_cancelled(self, finished_because: str) -> bool:
        """The customer cancelled. A start page that failed while the cancel was on its way
        (it was loading, then timed out) is the customer's cancel too, not the site's fault."""
        if finished_because == FinishReason.CANCELLED:
            return True
        return (
            finished_because == FinishReason.START_URL_FAILED
            and SEOScan.objects.filter(pk=self.scan.pk, cancel_requested=True).exists()
        )

    def finish(self, runner: CrawlRunner | ProcessCrawlRunner) -> SEOScan:
        scan = self.scan
        outcome = runner.outcome
        # The site checks and the report quote robots.txt and sitemap facts as the site gave them.
        site = json_clean(
            outcome.site_facts(
                start_url=self.settings.start_url, user_agent=self.settings.user_agent
            )
        )
        pages = PageResult.objects.filter(scan=scan)
        page_inlinks_update(scan=scan)
        if self.was_cancelled(outcome.finished_because):
            return _scan_cancelled(
                scan,
                pages_crawled=pages.count(),
                pages_answered=pages.filter(status_code__isnull=False).count(),
            )
        if outcome.finished_because == FinishReason.START_URL_FAILED:
            return scan_fail(
                scan=scan,
                message=_("We could not load %(url)s: %(reason)s")
                % {"url": self.settings.start_url, "reason": outcome.error or _("no answer")},
                failure=SEOScan.Failure.SITE,
                finished_because=outcome.finished_because,
            )
        _progress(scan, progress=82, step=_("Checking the whole site"))
        run_site_checks(scan=scan, site=site)
        _progress(scan, progress=92, step=_("Scoring"))
        overall, categories = scan_scores(scan=scan, site=site)
        _progress(scan, progress=96, step=_("Writing the report"))
        report_write(
            scan=scan,
            site=site,
            overall=overall,
            categories=categories,
            start_url=outcome.final_start_url or self.settings.start_url,
        )
        SEOScan.objects.filter(pk=scan.pk).update(
            status=SEOScan.Status.COMPLETED,
            progress=100,
            progress_step=_("Done"),
            finished_because=outcome.finished_because,
            pages_crawled=pages.count(),
            completed_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        scan.refresh_from_db()
        _after_completion(scan)
        return scan


@transaction.atomic
def _scan_cancelled(scan: SEOScan, *, pages_crawled: int, pages_answered: int) -> SEOScan:
    """The crawl stopped because its owner cancelled. When no page answered (the start page
    was still loading, or timed out) it crawled nothing and was free."""
    ended = (
        SEOScan.objects.filter(pk=scan.pk)
        .exclude(status__in=ENDED_STATUSES)
        .update(
            status=SEOScan.Status.CANCELLED,
            finished_because=FinishReason.CANCELLED,
            pages_crawled=pages_crawled,
            completed_at=timezone.now(),
            progress_step=_("Cancelled"),
        )
    )
    if ended and pages_answered == 0:
        _audit_give_back(scan)
    scan.refresh_from_db()
    return scan


def _after_completion(scan: SEOScan) -> None:
    """The PDF in the owner's language is rendered once the report exists; then we tell them."""
    if scan.user_id is None:
        return  # a command-line audit: nobody to render for or to tell
    language = scan.user.preferred_language or "en"
    task_queue_on_commit(task_names.RENDER_REPORT_PDF, scan.pk, language)
    _announce(scan)


def _announce(scan: SEOScan) -> None:
    """In-app notification and email (audit complete or failed), written and sent by a worker
    (audits.services.announcements)."""
    if scan.user_id is None:
        return  # a command-line audit has no owner to tell
    task_queue_on_commit(task_names.ANNOUNCE_SCAN_FINISHED, scan.pk)


def scan_run(
    *, scan_id: int, fetcher=None, stop_on: tuple[type[BaseException], ...] = ()
) -> SEOScan | None:
    """Run a scan end to end. Idempotent: returns None when there is nothing to do.

    ``stop_on``: exceptions that end the crawl early but keep and score what it found (the
    task passes Celery's SoftTimeLimitExceeded; this module knows nothing of Celery).
    """
    scan = _claim(scan_id)
    if scan is None:
        logger.info("scan %s: nothing to do (already running, finished or given up)", scan_id)
        return None
    # Steps and messages are stored as text: write them in the owner's language (an ownerless
    # command-line audit keeps the language its caller activated).
    language = scan.user.preferred_language if scan.user_id else translation.get_language()
    with translation.override(language or "en"):
        return _scan_run_claimed(scan, fetcher=fetcher, stop_on=stop_on)


def crawl_runner_for(crawl: CrawlSettings, *, fetcher=None) -> CrawlRunner | ProcessCrawlRunner:
    """A forked crawl process where it can be had (both cores busy: fetch + parse there, the
    database writes here); a thread when a fetcher is handed in, which lives in this process."""
    if fetcher is None and settings.VIVASEO_CRAWL_IN_PROCESS and fork_available():
        return ProcessCrawlRunner(crawl)
    return CrawlRunner(crawl, fetcher=fetcher)


def _scan_run_claimed(
    scan: SEOScan, *, fetcher=None, stop_on: tuple[type[BaseException], ...] = ()
) -> SEOScan:
    try:
        pipeline = _ScanPipeline(scan, stop_on=stop_on)
        runner = crawl_runner_for(pipeline.settings, fetcher=fetcher)
        _progress(scan, progress=3, step=_("Reading robots.txt and sitemaps"))
        pipeline.crawl(runner)
        return pipeline.finish(runner)
    except Exception as exc:
        if not SEOScan.objects.filter(pk=scan.pk).exists():
            # Its website or account was deleted mid-crawl: the last batch had nowhere to go.
            logger.info("scan %s: deleted while it ran (%s)", scan.pk, type(exc).__name__)
            return None
        logger.exception("scan %s failed", scan.pk)
        # What a site serves is cleaned before it is stored (audits.clean) and a site that
        # does not answer ends the crawl as START_URL_FAILED, so what lands here is ours.
        return scan_fail(
            scan=scan,
            message=_(
                "Something went wrong on our side while auditing (%(error)s). "
                "Nothing was charged; please try again."
            )
            % {"error": type(exc).__name__},
            failure=SEOScan.Failure.INTERNAL,
        )


def report_write(
    *, scan: SEOScan, site: dict, overall: int, categories: dict, start_url: str
) -> SEOReport:
    """The report: headline facts of the start page plus the site summary."""
    start = (
        PageResult.objects.filter(scan=scan, url=start_url).first()
        or PageResult.objects.filter(scan=scan).order_by("id").first()
    )
    robots = site.get("robots_txt") or {}
    sitemaps = site.get("sitemaps") or []
    working_sitemap = next((s for s in sitemaps if s.get("ok")), None)
    totals = PageResult.objects.filter(scan=scan).aggregate(
        images=models.Sum("images_total"), without_alt=models.Sum("images_without_alt")
    )
    summary = {
        "pages": PageResult.objects.filter(scan=scan).count(),
        "indexable_pages": PageResult.objects.filter(scan=scan, indexable=True).count(),
        "findings": Finding.objects.filter(scan=scan).count(),
        "by_severity": dict(
            Finding.objects.filter(scan=scan)
            .values_list("severity")
            .annotate(n=Count("id"))
            .values_list("severity", "n")
        ),
        "performance": "not_measured",
        "finished_because": scan.finished_because or site.get("finished_because"),
    }
    defaults = {
        "overall_score": overall,
        "category_scores": categories,
        "site": site,
        "summary": summary,
        "recommendations": recommendations_build(scan=scan),
        "has_robots_txt": bool(robots.get("exists")),
        "robots_txt_url": robots.get("url") or "",
        "has_sitemap": working_sitemap is not None,
        "sitemap_url": (working_sitemap or {}).get("url", ""),
        "has_ssl": bool((site.get("https") or {}).get("start_is_https")),
        "total_images": totals["images"] or 0,
        "images_without_alt": totals["without_alt"] or 0,
    }
    if start is not None:
        defaults |= _headline_fields(start)
    # A 3 KB og:image (a data: URI, a signed CDN link) or a 700-character Sitemap: URL must fit.
    values_clean(SEOReport, defaults)
    report, _created = SEOReport.objects.update_or_create(scan=scan, defaults=defaults)
    return report


def _headline_fields(page: PageResult) -> dict:
    facts = page.facts or {}
    title = page.title or ""
    description = page.meta_description or ""
    return {
        "title": page.title,
        "title_score": _length_score(len(title), good=(30, 60)),
        "meta_description": page.meta_description,
        "meta_description_score": _length_score(len(description), good=(70, 160)),
        "h1_tags": page.h1,
        "h1_score": 100 if len(page.h1) == 1 else (50 if page.h1 else 0),
        "h2_tags": [text for level, text in facts.get("headings", []) if level == 2][:20],
        "canonical_url": page.canonical,
        "og_title": (page.og or {}).get("title") or "",
        "og_description": (page.og or {}).get("description") or "",
        "og_image": (page.og or {}).get("image") or "",
        "twitter_card": (page.twitter or {}).get("card") or "",
        "twitter_title": (page.twitter or {}).get("title") or "",
        "twitter_description": (page.twitter or {}).get("description") or "",
        "twitter_image": (page.twitter or {}).get("image") or "",
        "structured_data": page.jsonld_types,
    }


def _length_score(length: int, *, good: tuple[int, int]) -> int:
    """100 inside the recommended length range, less the further outside, 0 when empty."""
    low, high = good
    if length == 0:
        return 0
    if low <= length <= high:
        return 100
    distance = low - length if length < low else length - high
    return max(20, 100 - int(100 * distance / high))


def scan_fail(
    *, scan: SEOScan, message: str, failure: SEOScan.Failure, finished_because: str = ""
) -> SEOScan:
    """Mark a scan failed with a message for the customer. It is not counted against the plan
    when the failure was ours (``failure.refunds``); what the site did counts."""
    with transaction.atomic():
        updated = (
            SEOScan.objects.filter(pk=scan.pk)
            .exclude(status__in=ENDED_STATUSES)
            .update(
                status=SEOScan.Status.FAILED,
                failure=failure,
                error_message=text_clean(message),  # it may quote the site's own error text
                finished_because=finished_because,
                completed_at=timezone.now(),
                progress_step=_("Failed"),
            )
        )
        if updated:
            if failure.refunds:
                _audit_give_back(scan)
            _announce(scan)
    scan.refresh_from_db()
    return scan


def scans_recover_stuck() -> dict[str, int]:
    """Retry or fail scans whose worker died: no heartbeat for STUCK_AFTER_SECONDS. Queue
    again the pending scans no worker took in that time (a broker that lost its message
    would otherwise block the website: one running audit per website is a database rule)."""
    now = timezone.now()
    stale = now - timedelta(seconds=crawl_settings.STUCK_AFTER_SECONDS)
    waiting = SEOScan.objects.filter(status=SEOScan.Status.PENDING).filter(
        models.Q(heartbeat_at__lt=stale) | models.Q(heartbeat_at__isnull=True, created__lt=stale)
    )
    requeued = 0
    for scan in waiting:
        # A second message for a scan still in the queue is harmless (_claim takes it once);
        # the heartbeat keeps it to one more message per STUCK_AFTER_SECONDS.
        SEOScan.objects.filter(pk=scan.pk).update(heartbeat_at=now)
        scan_enqueue(scan=scan)
        requeued += 1
    stuck = SEOScan.objects.filter(status=SEOScan.Status.PROCESSING, heartbeat_at__lt=stale)
    retried = failed = 0
    for scan in stuck:
        if scan.attempts < crawl_settings.MAX_ATTEMPTS:
            scan_enqueue(scan=scan)
            retried += 1
        else:
            scan_fail(
                scan=scan,
                message=_(
                    "The audit stopped responding twice (its worker was restarted), so we "
                    "stopped trying. Nothing was charged; please start it again."
                ),
                failure=SEOScan.Failure.WORKER_LOST,
                finished_because="worker_lost",
            )
            failed += 1
    return {"retried": retried, "failed": failed, "requeued": requeued}
