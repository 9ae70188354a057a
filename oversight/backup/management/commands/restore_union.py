from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shared.core.exceptions import ApplicationError

from ...services import union_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_union as a NEW union (new code, schema and domain). Users are found by "
        "username (missing ones are created from the backup); they get the same role in the new union unless "
        "--without-memberships. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", required=True, help="a file written by backup_union")
        parser.add_argument("--code", required=True, help="code of the new union")
        parser.add_argument("--domain", required=True, help="host name of the new union, e.g. kecheng2.localhost")
        parser.add_argument("--name", default=None, help="name of the new union (default: the backed-up one's)")
        parser.add_argument("--parent", default=None, help="code of the parent city (default: the backed-up one's)")
        parser.add_argument("--region", default=None, help="region code (default: the backed-up one's)")
        parser.add_argument("--without-memberships", action="store_true", help="give nobody a role in the new union")

    def handle(self, *args, **options):
        try:
            summary = union_restore(
                path=options["file"],
                code=options["code"],
                domain=options["domain"],
                name=options["name"],
                parent_code=options["parent"],
                region_code=options["region"],
                memberships=not options["without_memberships"],
            )
        except ApplicationError as error:
            details = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in error.as_dict()["fields"].items())
            raise CommandError(f"{error.message} {details}".strip()) from error
        union = summary["union"]
        made = timezone.localtime(summary["backup_made_at"]).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary['source']} (backup of {made}) as {union.name} ({union.code}) at "
                f"{options['domain']}: {summary['tables']} tables, {summary['rows']} rows, {summary['files']} files, "
                f"{summary['memberships']} memberships, {summary['rollup']} roll-up rows, "
                f"{summary['adjustments']} adjustments"
            )
        )
        for column, count in summary["links_dropped"].items():
            self.stdout.write(f"  {column}: {count} links to unions that do not exist here were dropped")
        if summary["published_scores_not_restored"]:
            self.stdout.write(
                f"  {summary['published_scores_not_restored']} lines of the city's published assessments stay in "
                "the file only (a publication is frozen)"
            )
