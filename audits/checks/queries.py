"""Querysets the site checks share: which stored rows count as pages, duplicates, targets.

Everything here runs in the database; results are streamed in chunks so memory does not grow
with the size of the site.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import batched
from typing import Any, Final

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from audits.models import PageResult, SEOScan

CHUNK_SIZE: Final = 500


def redirect_target_stored(scan: SEOScan) -> Exists:
    """True for a redirecting row whose target URL has a row of its own."""
    return Exists(PageResult.objects.filter(scan=scan, url_hash=OuterRef("final_url_hash")))


def documents(scan: SEOScan) -> QuerySet[PageResult]:
    """Indexable pages, each document once (a redirect whose target was stored is left out)."""
    return PageResult.objects.filter(scan=scan, indexable=True).exclude(
        Q(redirect_count__gt=0) & redirect_target_stored(scan)
    )


def self_canonical() -> Q:
    """The row names no canonical, or names itself (before or after redirects)."""
    return (
        Q(canonical_hash="")
        | Q(canonical_hash=F("url_hash"))
        | Q(canonical_hash=F("final_url_hash"))
    )


def canonical_documents(scan: SEOScan) -> QuerySet[PageResult]:
    """Documents that are their own canonical: the ones search engines would list."""
    return documents(scan).filter(self_canonical())


def duplicates(pages: QuerySet[PageResult], field: str) -> Iterator[tuple[int, Any, int]]:
    """``(page_id, value, pages sharing it)`` for pages whose ``field`` value is not unique.

    Empty values are skipped. Groups are found with GROUP BY, then their pages are read a
    chunk of groups at a time.
    """
    groups = (
        pages.exclude(**{f"{field}__isnull": True})
        .exclude(**{field: ""})
        .order_by()
        .values(field)
        .annotate(sharing=Count("id"))
        .filter(sharing__gt=1)
        .values_list(field, "sharing")
    )
    for chunk in batched(groups.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        sharing = dict(chunk)
        rows = (
            pages.filter(**{f"{field}__in": list(sharing)}).order_by("id").values_list("id", field)
        )
        for page_id, value in rows:
            yield page_id, value, sharing[value]
