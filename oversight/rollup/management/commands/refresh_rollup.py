"""Recompute the city roll-up by hand (the nightly task does the same):

python manage.py refresh_rollup [--year Y] [--union CODE]
"""

from django.core.management.base import BaseCommand, CommandError

from oversight.rollup.services import rollup_refresh, rollup_refresh_all
from shared.unions.models import Union


class Command(BaseCommand):
    help = "Recompute the per-union yearly roll-up from each union's schema (all unions and years by default)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="only this year (default: every year with data)")
        parser.add_argument("--union", default=None, help="only the union with this code")

    def handle(self, *args, **options):
        year, code = options["year"], options["union"]
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError("--year must be between 2000 and 2100.")
        if code:
            union = Union.objects.filter(code=code).first()
            if union is None:
                raise CommandError(f'No union has the code "{code}".')
            written = len(rollup_refresh(union=union, year=year))
        else:
            written = rollup_refresh_all(year=year)
        self.stdout.write(self.style.SUCCESS(f"Roll-up refreshed: {written} rows."))
