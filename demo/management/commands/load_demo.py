from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.provision import DEMO_PASSWORD, demo_domain, demo_provision
from oversight.rollup.services import rollup_refresh


class Command(BaseCommand):
    help = "Provision the demo city (衢州) and its counties with demo logins. Reuses what already exists."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        unions = demo_provision()
        # The history is bulk-inserted, which fires no roll-up signals: compute the city's figures now.
        for union in unions:
            rollup_refresh(union=union)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(unions)} unions."))
        for union in unions:
            self.stdout.write(f"  {union.name:<10} {union.code:<10} logins {union.code}-admin / {union.code}-staff")
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(f"  e.g. http://{demo_domain(unions[0].code)}:8000/")
