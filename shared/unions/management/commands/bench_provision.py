"""Time provisioning one union by replaying the template schema's SQL vs by running every migration.

    python manage.py bench_provision [--runs 5]

Both ways go through the same service (unions.services.union_create); only
TENANT_CREATION_FAKES_MIGRATIONS differs. Every union made here is dropped again afterwards.
"""

import statistics
import time

from django.core.management.base import BaseCommand
from django.test import override_settings

from shared.unions.models import Union
from shared.unions.services import union_create, union_discard


class Command(BaseCommand):
    help = "Time union provisioning: replay of the template's SQL vs running all migrations (median of N)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def _provision(self, code: str, *, clone: bool) -> float:
        started = time.perf_counter()
        with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=clone):
            union_create(
                code=code,
                name=f"基准{code}",
                level="city",
                region_code="999900",
                domain=f"{code.replace('_', '-')}.bench.invalid",
            )
        return time.perf_counter() - started

    def handle(self, *args, **options):
        runs = options["runs"]
        timings: dict[str, list[float]] = {"clone": [], "migrate": []}
        try:
            for run in range(runs):
                # Alternate the order so neither way always runs on a warmer cache.
                order = ("clone", "migrate") if run % 2 == 0 else ("migrate", "clone")
                for way in order:
                    code = f"bench_{way}_{run}"
                    timings[way].append(self._provision(code, clone=way == "clone"))
        finally:
            for union in Union.objects.filter(code__startswith="bench_"):
                union_discard(union=union)
        clone, migrate = statistics.median(timings["clone"]), statistics.median(timings["migrate"])
        self.stdout.write(f"Provisioning one union, median of {runs} runs each:")
        self.stdout.write(
            f"  replay template SQL   : {clone:8.3f} s   (runs: {', '.join(f'{t:.3f}' for t in timings['clone'])})"
        )
        self.stdout.write(
            f"  run all migrations    : {migrate:8.3f} s   (runs: {', '.join(f'{t:.3f}' for t in timings['migrate'])})"
        )
        self.stdout.write(f"  ratio migrate / replay: {migrate / clone:8.2f} x")
