"""Website addresses stop carrying user names and passwords (issue 10), in the admin too.

The add-website form refuses them now (audits.website_address); addresses stored before keep
none either: the user name and password are taken out of every website's and audit's URL.
When the plain address is already one of the owner's websites, only the password goes, so the
two rows stay distinct (the audit of that row then fails with the form's message).
"""

from urllib.parse import urlsplit, urlunsplit

from django.db import migrations, models

import audits.website_address


def _without_userinfo(url: str, *, keep_user: bool = False) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    if keep_user and parts.username:
        host = f"{parts.username}@{host}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def passwords_remove(apps, schema_editor):
    Website = apps.get_model("audits", "Website")
    SEOScan = apps.get_model("audits", "SEOScan")
    for website in Website.objects.filter(url__contains="@"):
        if "@" not in urlsplit(website.url).netloc:
            continue  # an "@" in the path or query is no password
        plain = _without_userinfo(website.url)
        taken = Website.objects.filter(user_id=website.user_id, url=plain).exists()
        website.url = _without_userinfo(website.url, keep_user=True) if taken else plain
        website.save(update_fields=["url"])
    for scan in SEOScan.objects.filter(url__contains="@"):
        if "@" in urlsplit(scan.url).netloc:
            scan.url = _without_userinfo(scan.url)
            scan.save(update_fields=["url"])


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0007_website_notes_max_length"),
    ]

    operations = [
        migrations.RunPython(passwords_remove, migrations.RunPython.noop),
        # The admin's website form checks addresses as the dashboard does.
        migrations.AlterField(
            model_name="website",
            name="url",
            field=models.URLField(
                max_length=500,
                validators=[audits.website_address.website_url_validate],
                verbose_name="URL",
            ),
        ),
    ]
