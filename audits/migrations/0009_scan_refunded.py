# Audits are counted against the plan from the rows themselves (billing.selectors): the ones
# that gave their free audit back under the old counter are marked as not counted.

from django.db import migrations, models


def mark_refunded(apps, schema_editor):
    SEOScan = apps.get_model("audits", "SEOScan")
    SEOScan.objects.filter(status="failed", failure__in=["worker_lost", "internal"]).update(
        refunded=True
    )
    SEOScan.objects.filter(status="cancelled", pages_crawled=0).update(refunded=True)


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0008_website_urls_without_passwords"),
    ]

    operations = [
        migrations.AddField(
            model_name="seoscan",
            name="refunded",
            field=models.BooleanField(default=False, verbose_name="not counted"),
        ),
        migrations.RunPython(mark_refunded, migrations.RunPython.noop),
    ]
