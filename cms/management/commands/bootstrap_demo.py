"""Demo accounts for a laptop: a customer and a superuser, with passwords printed in the README,
and with ``--site-url`` the demo customer's website: two audits of the demo bakery.

Only `scripts/start.sh` runs it, after `bootstrap_site`, while it serves the bakery
(scripts/demo_site/serve.py); under production settings (or any settings module that does not
allow demo accounts) it refuses. Running it twice changes nothing.
"""

import contextlib
import time
import urllib.request

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audits.services.demo import DemoAuditFailed, demo_audits_ensure
from billing.models import ComplimentaryPlan, PlanLimits
from billing.services import billing_bootstrap, complimentary_plan_grant
from cms.services import demo_marketing_pages_ensure
from vivaseo_site.accounts.models import User
from vivaseo_site.accounts.services import DEMO_ACCOUNTS, DemoAccountsRefused, demo_users_ensure

# The demo customer tries the product on this plan, given as a complimentary plan (no Stripe).
DEMO_PLAN = "standard"

# scripts/demo_site/serve.py: its versions, oldest first, and the path that switches them.
DEMO_SITE_VERSIONS = ("before", "after")
DEMO_SITE_VERSION_PATH = "_demo/version"
DEMO_SITE_WAIT_SECONDS = 20


class Command(BaseCommand):
    help = (
        "Create the demo customer and staff accounts and, with --site-url, the demo "
        "customer's audited website (dev settings only; never in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-credentials", action="store_true")
        parser.add_argument(
            "--site-url",
            default="",
            help="Where scripts/demo_site/serve.py serves the demo bakery (start.sh passes it).",
        )

    def handle(self, *args, **options):
        try:
            accounts = demo_users_ensure()
        except DemoAccountsRefused as refused:
            raise CommandError(str(refused)) from refused
        self._demo_plan()
        if options["site_url"]:
            self._demo_website(options["site_url"])
        if options["quiet_credentials"]:
            return
        self.stdout.write(self.style.SUCCESS("Demo accounts are ready."))
        for account in accounts:
            self.stdout.write(f"  {account.role:<9} {account.email}  /  {account.password}")
        # The marketing pages to look at (features, pricing, FAQ, about), silently.
        demo_marketing_pages_ensure()

    def _demo_plan(self) -> None:
        """The demo customer can add websites, schedule and render: a complimentary plan."""
        customer = User.objects.get(email=_demo_customer_email())
        if ComplimentaryPlan.objects.filter(user=customer).exists():
            return
        plan = PlanLimits.objects.filter(slug=DEMO_PLAN).first()
        if plan is None:
            billing_bootstrap()  # start.sh ran it already; a bare `bootstrap_demo` had not
            plan = PlanLimits.objects.get(slug=DEMO_PLAN)
        complimentary_plan_grant(
            user=customer, plan=plan, granted_by=None, reason="The demo account of start.sh."
        )

    def _demo_website(self, site_url: str) -> None:
        site_url = site_url.rstrip("/") + "/"
        customer = User.objects.get(email=_demo_customer_email())
        try:
            _wait_until_served(site_url)
            demo = demo_audits_ensure(
                user=customer,
                url=site_url,
                versions=DEMO_SITE_VERSIONS,
                show_version=lambda version: _show_version(site_url, version),
            )
        except ValidationError as refused:
            self._not_audited(
                f"{' '.join(refused.messages)} The crawler must be allowed to reach the demo "
                "site: scripts/start.env sets VIVASEO_CRAWL_ALLOW_NETWORKS for it."
            )
            return
        except (DemoAuditFailed, DemoSiteUnreachable) as failed:
            self._not_audited(str(failed))
            return
        finally:
            with contextlib.suppress(DemoSiteUnreachable):  # the error above says more
                _show_version(site_url, DEMO_SITE_VERSIONS[-1])  # the site as it is "now"
        if demo.built:
            pages = ", ".join(str(scan.pages_crawled) for scan in demo.scans)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo website {demo.website.url} audited {len(demo.scans)} times "
                    f"({pages} pages)."
                )
            )

    def _not_audited(self, reason: str) -> None:
        # Said loudly, but the product still starts: the demo accounts work without it.
        self.stderr.write(self.style.ERROR(f"The demo website was not audited. {reason}"))


class DemoSiteUnreachable(Exception):
    """scripts/demo_site/serve.py does not answer at the address given."""


def _demo_customer_email() -> str:
    return next(account.email for account in DEMO_ACCOUNTS if account.role == "customer")


def _wait_until_served(site_url: str) -> None:
    """start.sh starts the server a moment before this command."""
    deadline = time.monotonic() + DEMO_SITE_WAIT_SECONDS
    while True:
        try:
            with urllib.request.urlopen(site_url, timeout=5):
                return
        except OSError as error:
            if time.monotonic() > deadline:
                raise DemoSiteUnreachable(
                    f"The demo site does not answer at {site_url} ({error}). "
                    "Start it with python3 scripts/demo_site/serve.py."
                ) from error
            time.sleep(0.2)


def _show_version(site_url: str, version: str) -> None:
    request = urllib.request.Request(
        site_url + DEMO_SITE_VERSION_PATH, data=version.encode(), method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5):
            pass
    except OSError as error:  # HTTPError and URLError are OSErrors
        raise DemoSiteUnreachable(
            f"The demo site would not show its {version} version: {error}"
        ) from error
