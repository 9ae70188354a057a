from django.core.management.base import BaseCommand, CommandError

from shared.core.exceptions import ApplicationError
from shared.unions.services import union_create


class Command(BaseCommand):
    help = "Provision a union: its schema (cloned from the template), its domain and its registry row."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--level", required=True, choices=["city", "county"])
        parser.add_argument("--parent", default=None, help="code of the parent (city) union")
        parser.add_argument("--region", required=True, help="six-digit region code, e.g. 330824")
        parser.add_argument("--domain", required=True)

    def handle(self, *args, **options):
        try:
            union = union_create(
                code=options["code"],
                name=options["name"],
                level=options["level"],
                parent_code=options["parent"],
                region_code=options["region"],
                domain=options["domain"],
            )
        except ApplicationError as error:
            details = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in error.as_dict()["fields"].items())
            raise CommandError(f"{error.message} {details}") from error
        self.stdout.write(self.style.SUCCESS(f"Created {union.name} ({union.code}) at {options['domain']}"))
