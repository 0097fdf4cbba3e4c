"""Websites, their audits (SEOScan), what each audit found per page, and the report.

A scan stores one PageResult per crawled URL, the internal links between pages (so the
cross-page checks are database queries, not an in-memory copy of the site), and a Finding per
problem. The SEOReport summarises the whole crawl plus the start URL's headline facts.
"""

import hashlib

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from audits.details import details_render
from audits.website_address import URL_MAX_LENGTH, website_url_validate


def url_digest(url: str) -> str:
    """A fixed-size key for a URL: URLs can be longer than an index may hold."""
    return hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()


# A few paragraphs; 200,000 characters of notes made the website page 2.3 million pixels wide.
WEBSITE_NOTES_MAX_LENGTH = 2000


class Website(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="websites",
        verbose_name=_("owner"),
    )
    url = models.URLField(_("URL"), max_length=URL_MAX_LENGTH, validators=[website_url_validate])
    name = models.CharField(_("name"), max_length=200)
    # The customer's notes. A TextField has no length in the database: the validator holds
    # forms (and the admin) to it, the check constraint holds every other write.
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=WEBSITE_NOTES_MAX_LENGTH,
        validators=[MaxLengthValidator(WEBSITE_NOTES_MAX_LENGTH)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("website")
        verbose_name_plural = _("websites")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "url"], name="website_unique_url_per_user"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), WEBSITE_NOTES_MAX_LENGTH),
                name="website_description_max_length",
            ),
        ]

    def __str__(self):
        return self.name or self.url


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PROCESSING = "processing", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# A running audit: at most one per website (SEOScan's scan_one_running_per_website).
ACTIVE_SCAN_STATUSES = (ScanStatus.PENDING, ScanStatus.PROCESSING)
ALREADY_RUNNING_MESSAGE = _(
    "An audit of this website is already running. Wait for it to finish or cancel it."
)


class ScanFailure(models.TextChoices):
    """Whose fault a failed audit was. Only our own failures give the free audit back: what a
    site serves or whether it answers must not make its audit free."""

    SITE = "site", _("The website")  # did not answer, refused us, served nothing to audit
    WORKER_LOST = "worker_lost", _("Worker lost")  # our worker died twice mid-audit
    INTERNAL = "internal", _("Our error")  # an exception in our code or infrastructure

    @property
    def refunds(self) -> bool:
        return self in (ScanFailure.WORKER_LOST, ScanFailure.INTERNAL)


class SEOScan(models.Model):
    """One audit of a website: its settings, its progress, and how it ended."""

    class ScanType(models.TextChoices):
        MANUAL = "manual", _("Manual")
        SCHEDULED = "scheduled", _("Scheduled")
        API = "api", _("API")
        INITIAL = "initial", _("Initial")
        COMMAND_LINE = "cli", _("Command line")

    Status = ScanStatus
    Failure = ScanFailure
    ACTIVE_STATUSES = ACTIVE_SCAN_STATUSES

    # Empty only for a command-line audit (manage.py audit): it belongs to no customer, and
    # the constraint below keeps every other scan owned.
    website = models.ForeignKey(
        Website,
        on_delete=models.CASCADE,
        related_name="scans",
        verbose_name=_("website"),
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scans",
        verbose_name=_("owner"),
        null=True,
        blank=True,
    )
    url = models.URLField(_("start URL"), max_length=URL_MAX_LENGTH)
    scan_type = models.CharField(
        _("type"), max_length=10, choices=ScanType.choices, default=ScanType.MANUAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    progress_step = models.CharField(_("step"), max_length=100, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    # Crawl settings used; the rest (concurrency, delay, patterns...) live in crawl_options.
    max_pages = models.PositiveIntegerField(_("max pages"), default=200)
    max_depth = models.PositiveSmallIntegerField(_("max depth"), default=10)
    render_js = models.BooleanField(_("render JavaScript"), default=False)
    crawl_options = models.JSONField(_("crawl options"), default=dict, blank=True)
    finished_because = models.CharField(_("finished because"), max_length=40, blank=True)
    failure = models.CharField(
        _("failure cause"), max_length=12, choices=ScanFailure.choices, blank=True
    )
    pages_crawled = models.PositiveIntegerField(_("pages crawled"), default=0)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    # Not counted against its owner's plan: it ended having given them nothing, through no
    # doing of the site (our failure, or cancelled before a page answered).
    refunded = models.BooleanField(_("not counted"), default=False)
    # Written as the crawl advances; a processing scan whose heartbeat stops is failed by beat.
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The schedule slot a scheduled audit belongs to: at most one scan per website and slot.
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scan_type="cli")
                | models.Q(user__isnull=False, website__isnull=False),
                name="scan_owned_unless_command_line",
            ),
            models.UniqueConstraint(
                fields=["website", "scheduled_for"],
                condition=models.Q(scheduled_for__isnull=False),
                name="scan_one_per_website_and_slot",
            ),
            # Two quick "start audit" clicks (or a click and a scheduled slot) must not both
            # start: the second insert fails, and services.scan_start says "already running".
            models.UniqueConstraint(
                fields=["website"],
                condition=models.Q(status__in=ACTIVE_SCAN_STATUSES),
                name="scan_one_running_per_website",
                violation_error_code="already_running",
                violation_error_message=ALREADY_RUNNING_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.url} ({self.created:%Y-%m-%d %H:%M})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class PageResult(models.Model):
    """One crawled URL: how it answered and the on-page facts read from it."""

    scan = models.ForeignKey(
        SEOScan, on_delete=models.CASCADE, related_name="pages", verbose_name=_("audit")
    )
    url = models.URLField(_("URL"), max_length=2048)
    url_hash = models.CharField(max_length=40, editable=False)
    final_url = models.URLField(_("final URL"), max_length=2048, blank=True)
    # url_digest(final_url), or url_hash when nothing was fetched: joins a redirect to its target.
    final_url_hash = models.CharField(max_length=40, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=40, blank=True)
    error_detail = models.TextField(_("error detail"), blank=True)
    redirect_chain = models.JSONField(_("redirects"), default=list, blank=True)
    redirect_count = models.PositiveSmallIntegerField(_("redirects followed"), default=0)
    # Click depth from the start URL; None for pages only the sitemap led to.
    depth = models.PositiveSmallIntegerField(_("depth"), null=True, blank=True)
    ttfb_ms = models.PositiveIntegerField(_("time to first byte (ms)"), null=True, blank=True)
    bytes = models.PositiveIntegerField(_("bytes"), default=0)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    is_html = models.BooleanField(_("HTML"), default=False)
    # noindex/none in a robots meta tag or X-Robots-Tag (audits.checks.indexability).
    noindex = models.BooleanField(_("noindex"), default=False)
    indexable = models.BooleanField(_("indexable"), default=False)
    in_sitemap = models.BooleanField(_("in sitemap"), default=False)
    blocked_by_robots = models.BooleanField(_("blocked by robots.txt"), default=False)
    title = models.TextField(_("title"), blank=True, null=True)
    meta_description = models.TextField(_("meta description"), blank=True, null=True)
    h1 = models.JSONField(_("h1"), default=list, blank=True)
    h2_count = models.PositiveIntegerField(_("h2 count"), default=0)
    canonical = models.URLField(_("canonical"), max_length=2048, blank=True)
    canonical_hash = models.CharField(max_length=40, blank=True)
    lang = models.CharField(_("language"), max_length=40, blank=True)
    hreflang = models.JSONField(_("hreflang"), default=list, blank=True)
    meta_robots = models.CharField(_("meta robots"), max_length=300, blank=True)
    x_robots_tag = models.CharField(_("X-Robots-Tag"), max_length=300, blank=True)
    og = models.JSONField(_("Open Graph"), default=dict, blank=True)
    twitter = models.JSONField(_("Twitter card"), default=dict, blank=True)
    images_total = models.PositiveIntegerField(_("images"), default=0)
    images_without_alt = models.PositiveIntegerField(_("images without alt"), default=0)
    jsonld_types = models.JSONField(_("structured data types"), default=list, blank=True)
    word_count = models.PositiveIntegerField(_("words"), default=0)
    internal_links = models.PositiveIntegerField(_("internal links"), default=0)
    external_links = models.PositiveIntegerField(_("external links"), default=0)
    inlinks = models.PositiveIntegerField(_("links in"), default=0)
    content_hash = models.CharField(_("content hash"), max_length=40, blank=True)
    # Everything else the parser read (heading outline, forms, mixed content, anchors...).
    facts = models.JSONField(_("other facts"), default=dict, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), auto_now_add=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["depth", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "url_hash"], name="page_unique_url_per_scan")
        ]
        indexes = [
            models.Index(fields=["scan", "content_hash"]),
            models.Index(fields=["scan", "canonical_hash"]),
            models.Index(fields=["scan", "status_code"]),
            # "which rows redirect to this URL" (orphan pages reached only through a redirect)
            models.Index(fields=["scan", "final_url_hash"]),
        ]

    def __str__(self):
        return self.url

    def save(self, *args, **kwargs):
        self.url_hash = url_digest(self.url)
        super().save(*args, **kwargs)

    @property
    def check_detail(self) -> str:
        """The chosen check's first finding on this page (selectors.reports.pages_for_scan annotates
        its items), in the active language."""
        return details_render(getattr(self, "check_detail_items", None))


class PageLink(models.Model):
    """An internal link from one crawled page to a URL of the same site."""

    scan = models.ForeignKey(SEOScan, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(PageResult, on_delete=models.CASCADE, related_name="outlinks")
    target_url = models.URLField(max_length=2048)
    target_hash = models.CharField(max_length=40)
    anchor_text = models.CharField(max_length=200, blank=True)
    nofollow = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("internal link")
        verbose_name_plural = _("internal links")
        indexes = [models.Index(fields=["scan", "target_hash"])]

    def __str__(self):
        return f"{self.source.url} -> {self.target_url}"


class Finding(models.Model):
    """One problem a check found, on one page or (page empty) on the whole site."""

    class Severity(models.TextChoices):
        CRITICAL = "critical", _("Critical")
        WARNING = "warning", _("Warning")
        NOTICE = "notice", _("Notice")

    scan = models.ForeignKey(
        SEOScan, on_delete=models.CASCADE, related_name="findings", verbose_name=_("audit")
    )
    page = models.ForeignKey(
        PageResult,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("page"),
    )
    check_id = models.CharField(_("check"), max_length=64)
    category = models.CharField(_("category"), max_length=20)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    # What was found, one item per problem: message ids and parameters, rendered in the
    # reader's language when read (audits.details), never stored as translated text.
    detail_items = models.JSONField(_("detail"), default=list, blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["check_id", "id"]
        indexes = [
            models.Index(fields=["scan", "check_id"]),
            models.Index(fields=["scan", "severity"]),
        ]

    def __str__(self):
        return self.check_id

    @property
    def detail(self) -> str:
        """The details as text, one per line, in the active language."""
        return details_render(self.detail_items)

    @detail.setter
    def detail(self, text: str) -> None:
        # Text given as is (admin edits, fixtures) is shown as is, in every language.
        self.detail_items = [{"text": line} for line in text.split("\n")] if text else []


class SEOReport(models.Model):
    """The summary of one completed audit: scores, site facts and recommendations."""

    scan = models.OneToOneField(
        SEOScan, on_delete=models.CASCADE, related_name="report", verbose_name=_("audit")
    )
    # Headline facts of the start URL (the seed's fields).
    title = models.TextField(_("title"), blank=True, null=True)
    title_score = models.PositiveSmallIntegerField(_("title score"), default=0)
    meta_description = models.TextField(_("meta description"), blank=True, null=True)
    meta_description_score = models.PositiveSmallIntegerField(_("description score"), default=0)
    h1_tags = models.JSONField(_("h1 tags"), default=list, blank=True)
    h1_score = models.PositiveSmallIntegerField(_("h1 score"), default=0)
    h2_tags = models.JSONField(_("h2 tags"), default=list, blank=True)
    canonical_url = models.URLField(_("canonical URL"), max_length=2048, blank=True)
    og_title = models.TextField(_("OG title"), blank=True)
    og_description = models.TextField(_("OG description"), blank=True)
    og_image = models.URLField(_("OG image"), max_length=2048, blank=True)
    twitter_card = models.CharField(_("Twitter card"), max_length=50, blank=True)
    twitter_title = models.TextField(_("Twitter title"), blank=True)
    twitter_description = models.TextField(_("Twitter description"), blank=True)
    twitter_image = models.URLField(_("Twitter image"), max_length=2048, blank=True)
    # Lighthouse-style scores: not measured by the crawler (empty until a performance audit).
    performance_score = models.PositiveSmallIntegerField(null=True, blank=True)
    accessibility_score = models.PositiveSmallIntegerField(null=True, blank=True)
    best_practices_score = models.PositiveSmallIntegerField(null=True, blank=True)
    seo_score = models.PositiveSmallIntegerField(null=True, blank=True)
    has_robots_txt = models.BooleanField(_("robots.txt"), default=False)
    robots_txt_url = models.URLField(_("robots.txt URL"), max_length=500, blank=True)
    has_sitemap = models.BooleanField(_("sitemap"), default=False)
    sitemap_url = models.URLField(_("sitemap URL"), max_length=500, blank=True)
    has_ssl = models.BooleanField(_("HTTPS"), default=False)
    total_images = models.PositiveIntegerField(_("images"), default=0)
    images_without_alt = models.PositiveIntegerField(_("images without alt"), default=0)
    structured_data = models.JSONField(_("structured data types"), default=list, blank=True)
    # The whole crawl.
    overall_score = models.PositiveSmallIntegerField(_("score"), default=0)
    category_scores = models.JSONField(_("category scores"), default=dict, blank=True)
    site = models.JSONField(_("site facts"), default=dict, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    recommendations = models.JSONField(_("recommendations"), default=list, blank=True)
    pdf_file = models.FileField(_("PDF"), upload_to="reports/%Y/%m/", blank=True)
    pdf_generated_at = models.DateTimeField(_("PDF generated"), null=True, blank=True)
    pdf_download_count = models.PositiveIntegerField(_("PDF downloads"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.scan}: {self.overall_score}"
