"""Make spare schemas ahead of time: `python manage.py spare_schemas [--count N]`.

Creating a union then renames a spare instead of replaying the template (see shared/unions/provisioning.py).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shared.unions.provisioning import spare_schemas, spare_schemas_fill, template_digest


class Command(BaseCommand):
    help = "Make spare schemas from the template (and drop those made before it was migrated)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=None, help="spares to keep (default UNION_SPARE_SCHEMAS)")

    def handle(self, *args, count=None, **options):
        count = settings.UNION_SPARE_SCHEMAS if count is None else count
        if count < 0:
            raise CommandError("--count must be 0 or more.")
        template = settings.TENANT_BASE_SCHEMA
        made = spare_schemas_fill(count=count, template=template)
        ready = len(spare_schemas(digest=template_digest(template=template)))
        self.stdout.write(f"{made} spare schema(s) made; {ready} ready.")
