"""Findings keep message ids and parameters (Finding.detail_items), rendered when read.

Details written before this were already translated text, in the owner's language: they
cannot be turned back into message ids, so each line becomes a plain item ({"text": ...})
shown as is.
"""

from django.db import migrations, models


def details_to_items(apps, schema_editor):
    Finding = apps.get_model("audits", "Finding")
    batch = []
    for finding in Finding.objects.exclude(detail="").only("pk", "detail").iterator(2000):
        finding.detail_items = [{"text": line} for line in finding.detail.split("\n")]
        batch.append(finding)
        if len(batch) >= 2000:
            Finding.objects.bulk_update(batch, ["detail_items"])
            batch = []
    if batch:
        Finding.objects.bulk_update(batch, ["detail_items"])


def items_to_details(apps, schema_editor):
    # Back to text in English (the default language): what the old column could hold.
    from audits.details import details_render

    Finding = apps.get_model("audits", "Finding")
    batch = []
    for finding in Finding.objects.exclude(detail_items=[]).only("pk", "detail_items").iterator(
        2000
    ):
        finding.detail = details_render(finding.detail_items)
        batch.append(finding)
        if len(batch) >= 2000:
            Finding.objects.bulk_update(batch, ["detail"])
            batch = []
    if batch:
        Finding.objects.bulk_update(batch, ["detail"])


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0004_scan_owner_optional_for_command_line"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="detail_items",
            field=models.JSONField(blank=True, default=list, verbose_name="detail"),
        ),
        migrations.RunPython(details_to_items, items_to_details),
        migrations.RemoveField(
            model_name="finding",
            name="detail",
        ),
    ]
