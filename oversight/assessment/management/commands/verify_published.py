import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shared.unions.models import Union, UnionLevel

from ...verification import publications_verify

NOT_PROVEN, CHANGED = 1, 2


def _value(value) -> str:
    return "—" if value is None else str(value)


class Command(BaseCommand):
    help = (
        "Recompute every published figure of a year's assessments from the events and cases kept at publication "
        "and from the current ones. Exit 1 if a published figure does not re-derive from its kept events and "
        "cases, 2 if all do but current data give different figures, 0 if everything agrees."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--city", default=None, help="code of one city union (default: every city)")

    def handle(self, *args, **options):
        city = None
        if options["city"]:
            city = Union.objects.filter(code=options["city"], level=UnionLevel.CITY).first()
            if city is None:
                raise CommandError(f"No city union has the code {options['city']!r}.")
        checks = publications_verify(year=options["year"], city=city)
        if not checks:
            self.stdout.write(f"Nothing of {options['year']} is published.")
            return
        code = 0
        for check in checks:
            self._report(check)
            if not check.proven:
                code = NOT_PROVEN
            elif check.changed_since and code == 0:
                code = CHANGED
        if code:
            sys.exit(code)

    def _report(self, check) -> None:
        publication = check.publication
        state = (
            "live"
            if publication.is_live
            else f"reopened {timezone.localtime(publication.reopened_at):%Y-%m-%d %H:%M}: {publication.reopen_reason}"
        )
        self.stdout.write(
            f"{publication.city.name} ({publication.city.code}) {publication.year}, published "
            f"{timezone.localtime(publication.published_at):%Y-%m-%d %H:%M} ({state})"
        )
        if check.proven:
            self.stdout.write(
                self.style.SUCCESS(f"  all {check.figures} published figures re-derive from the kept events and cases")
            )
        else:
            self.stdout.write(
                self.style.ERROR(f"  {len(check.not_rederived)} published figures do NOT re-derive from their sources:")
            )
            for d in check.not_rederived:
                self.stdout.write(
                    f"    {d.union} {d.figure}: published {_value(d.published)}, re-derived {_value(d.found)}"
                )
        if check.changed_since:
            self.stdout.write(
                self.style.WARNING(
                    f"  {len(check.changed_since)} figures differ in the current data (the publication stays as it is):"
                )
            )
            for d in check.changed_since:
                self.stdout.write(f"    {d.union} {d.figure}: published {_value(d.published)}, now {_value(d.found)}")
        else:
            self.stdout.write("  current data give the same figures")
