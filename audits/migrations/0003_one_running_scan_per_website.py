"""One running (pending or processing) audit per website, as a partial unique index; and
`SEOScan.failure`, whose fault a failed audit was (only ours give the free audit back).

Before the index exists, two concurrent starts could both get through: such duplicates are
failed here first (keeping the one that really runs, else the newest) so the index can be
built, and their free audit is given back, since letting them start was our failure.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.translation import gettext

ACTIVE = ("pending", "processing")


def _give_back(User, SEOScan, scan):
    """The free audit comes back: on the lifetime counter this migration was written for, or
    (run against today's models, which count audits from the scans) by not counting it."""
    if any(field.name == "free_usage" for field in User._meta.get_fields()):
        User.objects.filter(pk=scan.user_id).update(free_usage=F("free_usage") + 1)
    else:
        SEOScan.objects.filter(pk=scan.pk).update(refunded=True)


def fail_duplicate_running_scans(apps, schema_editor):
    SEOScan = apps.get_model("audits", "SEOScan")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    websites = (
        SEOScan.objects.filter(status__in=ACTIVE)
        .values("website_id")
        .annotate(running=Count("id"))
        .filter(running__gt=1)
        .values_list("website_id", flat=True)
    )
    now = timezone.now()
    for website_id in list(websites):
        scans = sorted(
            SEOScan.objects.filter(website_id=website_id, status__in=ACTIVE).select_related("user"),
            key=lambda scan: (scan.status == "processing", scan.heartbeat_at or scan.created),
            reverse=True,
        )
        for scan in scans[1:]:
            with translation.override(scan.user.preferred_language or "en"):
                message = gettext(
                    "This audit was started twice at the same moment; the other one goes on. "
                    "Nothing was charged for this one."
                )
                step = gettext("Failed")
            SEOScan.objects.filter(pk=scan.pk).update(
                status="failed",
                failure="internal",
                error_message=message,
                completed_at=now,
                progress_step=step,
            )
            _give_back(User, SEOScan, scan)
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        # Run the deferred foreign key checks now: PostgreSQL refuses to build an index on a
        # table with trigger events still pending in this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0002_page_final_url_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="seoscan",
            name="failure",
            field=models.CharField(
                blank=True,
                choices=[
                    ("site", "The website"),
                    ("worker_lost", "Worker lost"),
                    ("internal", "Our error"),
                ],
                max_length=12,
                verbose_name="failure cause",
            ),
        ),
        # Rows first (the column exists by then), index after.
        migrations.RunPython(fail_duplicate_running_scans, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="seoscan",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ("pending", "processing"))),
                fields=("website",),
                name="scan_one_running_per_website",
                violation_error_code="already_running",
                violation_error_message=(
                    "An audit of this website is already running. Wait for it to finish or "
                    "cancel it."
                ),
            ),
        ),
    ]
