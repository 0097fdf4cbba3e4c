"""Deleting the PDF files of audit reports along with their rows.

A report's PDF lives in two places (see audits/services/pdf.py): the owner's language in the storage
(``SEOReport.pdf_file``: disk or Cloudinary) and any other language in the cache (on disk in
the embedded shape, Redis in production). Rows cascade; neither of those does.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet

from audits.models import SEOReport
from audits.services.pdf import report_pdf_cache_key

logger = logging.getLogger(__name__)


def report_pdfs_delete_on_commit(*, reports: QuerySet[SEOReport]) -> None:
    """Delete the reports' stored PDF and their cached PDFs in every language, once the
    transaction that deletes the rows has committed (a rollback keeps the files).

    Call it inside that transaction, before deleting the rows.
    """
    names: list[str] = []
    keys: list[str] = []
    for report in reports.only("scan_id", "modified", "pdf_file"):
        if report.pdf_file:
            names.append(report.pdf_file.name)
        keys += [report_pdf_cache_key(report, language) for language, _name in settings.LANGUAGES]
    if names or keys:
        transaction.on_commit(lambda: report_pdfs_delete(names=names, cache_keys=keys))


def report_pdfs_delete(*, names: list[str], cache_keys: list[str]) -> None:
    """Delete stored files and cache entries; a file that will not go is logged, not raised
    (the rows are gone already, and the other files must still be deleted)."""
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:
            logger.exception("could not delete report file %s", name)
    if cache_keys:
        cache.delete_many(cache_keys)
