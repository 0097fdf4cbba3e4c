# Audits are counted against the plan from the audits themselves (billing.selectors): the
# lifetime free-audit counter goes, and a deleted account's row remembers the audits it used
# in the month it was deleted instead of the free audits it had left.

from django.db import migrations, models

FREE_AUDITS_BEFORE = 5  # the old counter's starting value


def left_to_used(apps, schema_editor):
    DeletedAddress = apps.get_model("accounts", "DeletedAddress")
    for row in DeletedAddress.objects.all():
        row.audits_used = max(0, FREE_AUDITS_BEFORE - row.audits_used)
        row.save(update_fields=["audits_used"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_deleted_address"),
        # Older audits migrations refund through the counter removed here: they run first.
        ("audits", "0009_scan_refunded"),
    ]

    operations = [
        migrations.RemoveField(model_name="user", name="free_usage"),
        migrations.RenameField(
            model_name="deletedaddress", old_name="free_usage", new_name="audits_used"
        ),
        migrations.RunPython(left_to_used, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deletedaddress",
            name="audits_used",
            field=models.PositiveIntegerField(verbose_name="audits used in the month deleted"),
        ),
    ]
