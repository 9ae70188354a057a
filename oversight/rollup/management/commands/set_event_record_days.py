"""Set the days a union's held events have to complete their record in, and refresh its roll-up:

python manage.py set_event_record_days CODE DAYS      # 1 to 90: this union's own exception
python manage.py set_event_record_days CODE default   # back to its level's days (its parent's, or 7)
python manage.py set_event_record_days CITY DAYS --below     # 1 to 60: the days of the unions below CITY
python manage.py set_event_record_days CITY default --below  # back to 7 (what the city's page sets)
"""

from django.core.management.base import BaseCommand, CommandError

from oversight.rollup.record_days import level_record_days_set
from oversight.rollup.services import rollup_refresh
from shared.core.exceptions import ApplicationError
from shared.unions.models import Union
from shared.unions.services import union_set_event_record_days


def _message(error: ApplicationError) -> str:
    return "; ".join(str(m) for ms in (error.fields or {}).values() for m in ms) or str(error.message)


class Command(BaseCommand):
    help = "Set the days a union's held events have to complete their record in (default 7), and refresh its roll-up."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the union's code")
        parser.add_argument("days", help='1 to 90 (1 to 60 with --below), or "default"')
        parser.add_argument(
            "--below",
            action="store_true",
            help="set the days of the unions below CODE (a city's counties, a province's cities), as its page does",
        )

    def handle(self, *args, **options):
        union = Union.objects.filter(code=options["code"]).first()
        if union is None:
            raise CommandError(f'No union has the code "{options["code"]}".')
        raw = options["days"]
        if raw != "default" and not raw.isdigit():
            raise CommandError('DAYS is a whole number from 1 to 90, or "default".')
        days = None if raw == "default" else int(raw)
        if options["below"]:
            try:
                governed = level_record_days_set(union=union, days=days)
            except ApplicationError as error:
                raise CommandError(_message(error)) from error
            for child in governed:
                rollup_refresh(union=child)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{union.code}: event records of the unions below due within {union.level_record_days} days "
                    f"({len(governed)} unions refreshed)."
                )
            )
            return
        try:
            union = union_set_event_record_days(union=union, days=days)
        except ApplicationError as error:
            raise CommandError(_message(error)) from error
        # The figures judged with the old days are recomputed now rather than at the nightly run.
        rollup_refresh(union=union)
        self.stdout.write(self.style.SUCCESS(f"{union.code}: event records due within {union.record_days} days."))
