from django.core.management.base import BaseCommand

from vivaseo_site.core.services import periodic_tasks_sync


class Command(BaseCommand):
    help = "Write the periodic tasks declared in code to django-celery-beat's tables."

    def handle(self, *args, **options):
        for name in periodic_tasks_sync():
            self.stdout.write(f"periodic task ready: {name}")
