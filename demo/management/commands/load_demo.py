from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.provision import DEMO_PASSWORD, demo_domain, demo_provision
from oversight.assessment.models import Publication
from oversight.assessment.services import assessment_publish
from oversight.rollup.services import rollup_refresh
from shared.accounts.models import User


class Command(BaseCommand):
    help = "Provision the demo city (衢州) and its counties with demo logins. Reuses what already exists."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        unions = demo_provision()
        # The history is bulk-inserted, which fires no roll-up signals: compute the city's figures now.
        for union in unions:
            rollup_refresh(union=union)
        self._publish_last_year([union for union in unions if union.is_city])
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(unions)} unions."))
        for union in unions:
            self.stdout.write(f"  {union.name:<10} {union.code:<10} logins {union.code}-admin / {union.code}-staff")
        self.stdout.write(f"  password for every demo login: {DEMO_PASSWORD}")
        self.stdout.write(f"  e.g. http://{demo_domain(unions[0].code)}:8000/")

    def _publish_last_year(self, cities):
        """Last year's assessment is published, as it would be by now: each county reads its own result."""
        year = timezone.localdate().year - 1
        for city in cities:
            if not Publication.objects.filter(city=city, year=year).exists():
                assessment_publish(city=city, year=year, actor=User.objects.get(username=f"{city.code}-admin"))
