"""Set the days a union's held events have to complete their record in, and refresh its roll-up:

python manage.py set_event_record_days CODE DAYS      # 1 to 90
python manage.py set_event_record_days CODE default   # back to 7
"""

from django.core.management.base import BaseCommand, CommandError

from oversight.rollup.services import rollup_refresh
from shared.core.exceptions import ApplicationError
from shared.unions.models import Union
from shared.unions.services import union_set_event_record_days


class Command(BaseCommand):
    help = "Set the days a union's held events have to complete their record in (default 7), and refresh its roll-up."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the union's code")
        parser.add_argument("days", help='1 to 90, or "default"')

    def handle(self, *args, **options):
        union = Union.objects.filter(code=options["code"]).first()
        if union is None:
            raise CommandError(f'No union has the code "{options["code"]}".')
        raw = options["days"]
        if raw != "default" and not raw.isdigit():
            raise CommandError('DAYS is a whole number from 1 to 90, or "default".')
        try:
            union = union_set_event_record_days(union=union, days=None if raw == "default" else int(raw))
        except ApplicationError as error:
            raise CommandError("; ".join(str(m) for ms in (error.fields or {}).values() for m in ms)) from error
        # The figures judged with the old days are recomputed now rather than at the nightly run.
        rollup_refresh(union=union)
        self.stdout.write(self.style.SUCCESS(f"{union.code}: event records due within {union.record_days} days."))
