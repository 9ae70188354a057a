from django.conf import settings
from django.core.management.base import BaseCommand

from web.translations import compile_translations


class Command(BaseCommand):
    help = "Compile the translations (.po to .mo) with polib; a step of every production start."
    requires_system_checks = []  # the translations check would refuse to run the command that fixes it

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="compile every catalogue, stale or not")

    def handle(self, *args, force=False, **options):
        written = compile_translations(settings.LOCALE_PATHS, force=force)
        self.stdout.write(f"{len(written)} translation file(s) compiled.")
