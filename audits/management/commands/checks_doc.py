"""Write docs/checks.md from the check registry (``--check``: only say whether it is stale)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audits.checks.reference import checks_markdown


def checks_doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "checks.md"


class Command(BaseCommand):
    help = "Generate docs/checks.md from the SEO check registry."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Do not write; fail when docs/checks.md differs from the registry.",
        )

    def handle(self, *args, check: bool = False, **options):
        path = checks_doc_path()
        content = checks_markdown()
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if check:
            if current != content:
                raise CommandError(f"{path} is out of date: run `python manage.py checks_doc`.")
            self.stdout.write(f"{path} is up to date.")
            return
        path.write_text(content, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
