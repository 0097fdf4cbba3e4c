"""The demo customer's website: audits of the demo bakery by the real pipeline.

`bootstrap_demo` (dev settings only) calls it while `scripts/start.sh` serves the bakery
(scripts/demo_site/). Each audit is started, crawled, checked, scored and rendered to PDF
exactly as a customer's audit is, only synchronously in the calling process; nothing is
written by hand. The site is switched to its next version before each audit, so the history
and the comparison show what its owner fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction

from audits.models import SEOReport, SEOScan, Website
from audits.services.pdf import report_pdf_prepare
from audits.services.report_files import report_pdfs_delete_on_commit
from audits.services.scans import scan_run, scan_start, website_url_clean
from audits.services.websites import website_create
from billing.selectors import LimitReached

DEMO_WEBSITE_NAME = "Sunflower Bakery"
DEMO_WEBSITE_DESCRIPTION = "The demo bakery that `bash scripts/start.sh` serves on this machine."


class DemoAuditFailed(Exception):
    """An audit of the demo site did not complete; the message says why."""


@dataclass(frozen=True)
class DemoAudits:
    website: Website
    scans: tuple[SEOScan, ...]  # oldest first
    built: bool  # False when the website had its audits already


def demo_audits_ensure(
    *, user, url: str, versions: Sequence[str], show_version: Callable[[str], None]
) -> DemoAudits:
    """``user`` has a website for the demo site at ``url`` with one completed audit per
    version, oldest first; ``show_version(name)`` makes the site serve that version.

    Idempotent: a website that has them already is left as it is. Raises ValidationError
    when the address is refused (the crawler must be allowed to reach it) and
    DemoAuditFailed when an audit does not complete.
    """
    website = _demo_website(user=user, url=website_url_clean(url))
    completed = website.scans.filter(status=SEOScan.Status.COMPLETED).order_by("created")
    if completed.count() >= len(versions):
        return DemoAudits(website=website, scans=tuple(completed), built=False)
    _scans_delete(website)  # a half-built demo from an interrupted start: begin again
    scans = tuple(
        _audit(user=user, website=website, version=v, show=show_version) for v in versions
    )
    return DemoAudits(website=website, scans=scans, built=True)


def _demo_website(*, user, url: str) -> Website:
    """The demo website, moved to ``url`` when the site is served on another port today."""
    website = Website.objects.filter(user=user, url=url).first()
    if website is None:
        website = Website.objects.filter(user=user, name=DEMO_WEBSITE_NAME).first()
        if website is not None:
            website.url = url
            website.save(update_fields=["url", "modified"])
    if website is None:
        website = website_create(
            user=user,
            url=url,
            name=DEMO_WEBSITE_NAME,
            description=DEMO_WEBSITE_DESCRIPTION,
            start_audit=False,
        ).website
    return website


@transaction.atomic
def _scans_delete(website: Website) -> None:
    report_pdfs_delete_on_commit(reports=SEOReport.objects.filter(scan__website=website))
    website.scans.all().delete()


def _audit(*, user, website: Website, version: str, show: Callable[[str], None]) -> SEOScan:
    show(version)
    try:
        started = scan_start(user=user, website=website, queue=False)
    except LimitReached as error:
        raise DemoAuditFailed(f"The demo customer's plan refused the audit ({error}).") from error
    # Run here, not queued: a worker that is already up must not claim it first.
    scan = scan_run(scan_id=started.pk)
    if scan is None or scan.status != SEOScan.Status.COMPLETED:
        reason = scan.error_message if scan is not None else "it was not run"
        raise DemoAuditFailed(f"The audit of the demo site ({version}) failed: {reason}")
    report_pdf_prepare(scan_id=scan.pk, language=user.preferred_language)
    return scan
