from django.core.management.base import BaseCommand, CommandError

from shared.core.exceptions import ApplicationError

from ...services import union_backup


class Command(BaseCommand):
    help = (
        "Write one union's schema (every table) and its public rows (registry row, domains, the users, topics "
        "and departments its rows name, memberships, roll-up, assessment lines) and its files into one file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="code of the union to back up")
        parser.add_argument("--file", required=True, help="where to write the backup (a zip file)")

    def handle(self, *args, **options):
        try:
            manifest = union_backup(code=options["code"], path=options["file"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        rows = sum(table["rows"] for table in manifest["tables"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest['union']}: {len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['files'])} files -> {options['file']}"
            )
        )
