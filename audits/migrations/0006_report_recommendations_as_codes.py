"""SEOReport.recommendations keeps check ids, counts, sample URLs and detail items, one list for
every language; their texts are rendered when read (selectors.websites.report_recommendations).

Reports written before this stored {"en": [...], "nl": [...]} with the texts filled in. The
English list is kept without its texts (the registry has them, in every language); its
site-wide details were rendered text already and become plain items, shown as is.
"""

from django.db import migrations

KEPT = (
    "check",
    "severity",
    "category",
    "lighthouse",
    "site_wide",
    "pages_affected",
    "priority",
    "sample_urls",
)


def _as_codes(item):
    kept = {key: item[key] for key in KEPT if key in item}
    kept["details"] = [
        [{"text": line} for line in str(detail).split("\n")] for detail in item.get("details") or ()
    ]
    return kept


def recommendations_to_codes(apps, schema_editor):
    SEOReport = apps.get_model("audits", "SEOReport")
    for report in SEOReport.objects.only("pk", "recommendations").iterator(500):
        stored = report.recommendations
        if isinstance(stored, dict):
            items = stored.get("en") or next(iter(stored.values()), None) or []
        else:
            items = stored or []
        report.recommendations = [
            _as_codes(item) for item in items if isinstance(item, dict) and item.get("check")
        ]
        report.save(update_fields=["recommendations"])


def recommendations_to_texts(apps, schema_editor):
    from django.utils import translation

    from audits.checks.registry import get_check
    from audits.details import details_render

    SEOReport = apps.get_model("audits", "SEOReport")
    for report in SEOReport.objects.only("pk", "recommendations").iterator(500):
        if isinstance(report.recommendations, dict):
            continue
        by_language = {}
        for language in ("en", "nl"):
            items = []
            for item in report.recommendations or []:
                try:
                    check = get_check(item["check"])
                    texts = {
                        name: check.text(source, language)
                        for name, source in (
                            ("title", "failure_title"),
                            ("why", "why"),
                            ("how_to_fix", "how_to_fix"),
                        )
                    }
                except KeyError:
                    texts = {"title": item["check"], "why": "", "how_to_fix": ""}
                with translation.override(language):
                    details = [details_render(lines) for lines in item.get("details") or ()]
                items.append({**item, **texts, "details": details})
            by_language[language] = items
        report.recommendations = by_language
        report.save(update_fields=["recommendations"])


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0005_finding_detail_items"),
    ]

    operations = [
        migrations.RunPython(recommendations_to_codes, recommendations_to_texts),
    ]
