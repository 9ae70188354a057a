from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shared.accounts.onboarding import union_onboard
from shared.core.exceptions import ApplicationError
from shared.unions.services import union_create


class Command(BaseCommand):
    help = (
        "Provision a union: its schema (cloned from the template), its domain and its registry row; with "
        "--admin-username and --admin-email, also an invitation (a one-time link) for its first administrator."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--level", required=True, choices=["province", "city", "county"])
        parser.add_argument(
            "--parent", default=None, help="code of the parent union (a county's city, a city's province)"
        )
        parser.add_argument("--region", required=True, help="six-digit region code, e.g. 330824")
        parser.add_argument("--domain", required=True)
        parser.add_argument("--admin-username", default="", help="username of the first administrator")
        parser.add_argument("--admin-email", default="", help="where the first administrator's link is sent")
        parser.add_argument("--admin-name", default="", help="full name of the first administrator")

    def handle(self, *args, **options):
        values = {
            "code": options["code"],
            "name": options["name"],
            "level": options["level"],
            "parent_code": options["parent"],
            "region_code": options["region"],
            "domain": options["domain"],
        }
        invitation = url = None
        try:
            if options["admin_username"] or options["admin_email"]:
                union, invitation, url = union_onboard(
                    **values,
                    admin_username=options["admin_username"],
                    admin_email=options["admin_email"],
                    admin_name=options["admin_name"],
                )
            else:
                union = union_create(**values)
        except ApplicationError as error:
            details = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in error.as_dict()["fields"].items())
            raise CommandError(f"{error.message} {details}") from error
        self.stdout.write(self.style.SUCCESS(f"Created {union.name} ({union.code}) at {options['domain']}"))
        if invitation is not None:
            self.stdout.write(
                f"Invitation for {invitation.username} <{invitation.email}>, valid until "
                f"{timezone.localtime(invitation.expires_at):%Y-%m-%d %H:%M %Z}, sent by email:\n{url}"
            )
