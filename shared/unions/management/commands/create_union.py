from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from shared.accounts.invitations import invitation_check, invitation_create
from shared.accounts.models import Role
from shared.core.exceptions import ApplicationError
from shared.unions.services import union_create


def _command_error(error: ApplicationError) -> CommandError:
    details = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in error.as_dict()["fields"].items())
    return CommandError(f"{error.message} {details}")


class Command(BaseCommand):
    help = (
        "Provision a union: its schema (cloned from the template), its domain and its registry row; with "
        "--admin-username and --admin-email, also an invitation (a one-time link) for its first administrator."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--level", required=True, choices=["city", "county"])
        parser.add_argument("--parent", default=None, help="code of the parent (city) union")
        parser.add_argument("--region", required=True, help="six-digit region code, e.g. 330824")
        parser.add_argument("--domain", required=True)
        parser.add_argument("--admin-username", default="", help="username of the first administrator")
        parser.add_argument("--admin-email", default="", help="where the first administrator's link is sent")
        parser.add_argument("--admin-name", default="", help="full name of the first administrator")

    def handle(self, *args, **options):
        admin = options["admin_username"] or options["admin_email"]
        if admin:
            # Check the invitation first: a union nobody can sign in to is what this option exists to prevent.
            errors = invitation_check(username=options["admin_username"], email=options["admin_email"], role=Role.ADMIN)
            if errors:
                raise _command_error(ApplicationError("The first administrator cannot be invited.", fields=errors))
        try:
            with transaction.atomic():
                union = union_create(
                    code=options["code"],
                    name=options["name"],
                    level=options["level"],
                    parent_code=options["parent"],
                    region_code=options["region"],
                    domain=options["domain"],
                )
                url = None
                if admin:
                    invitation, url = invitation_create(
                        union=union,
                        username=options["admin_username"],
                        email=options["admin_email"],
                        full_name=options["admin_name"],
                        role=Role.ADMIN,
                    )
        except ApplicationError as error:
            raise _command_error(error) from error
        self.stdout.write(self.style.SUCCESS(f"Created {union.name} ({union.code}) at {options['domain']}"))
        if url:
            self.stdout.write(
                f"Invitation for {invitation.username} <{invitation.email}>, valid until "
                f"{timezone.localtime(invitation.expires_at):%Y-%m-%d %H:%M %Z}, sent by email:\n{url}"
            )
