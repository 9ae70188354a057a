"""Time what grows with the number of unions, at N unions:

    python manage.py bench_scale --unions 1000 [--runs 5]

Builds N throwaway unions (code prefix "zscale": provinces, each with up to 99 cities of up to nine counties) with a year of
events and cases at the demo's density, and measures in one run: the median time to create a union when 10
and when N of them exist (9 probe unions each, removed again; from spare schemas made just before, whose making
is timed too, and by replaying the template), migrate_schemas with nothing to do (every
schema of the database), an additive migration (a nullable column and an index, which exists only during the
run) applied to the N unions with django-tenants' multiprocessing executor and checked in every schema, the
nightly roll-up of every union for this year, and the first city's compliance and rankings from the roll-up
against looping over its counties' schemas (same answers required). Removes everything it made; the last line
sums it up.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from oversight.rollup import benchmark as bench
from oversight.rollup import scale
from oversight.rollup.services import rollup_refresh_all
from shared.unions.models import Union
from shared.unions.selectors import union_below


class Command(BaseCommand):
    help = "Benchmark provisioning, migrations, the nightly roll-up and a city's views at N unions."

    def add_arguments(self, parser):
        parser.add_argument("--unions", type=int, default=100, help="unions to build (default 100, at least 20)")
        parser.add_argument("--runs", type=int, default=5, help="timed runs of the city's answers (median)")

    def handle(self, *args, **options):
        count, runs = options["unions"], options["runs"]
        if not 20 <= count <= 5000 or runs < 1:
            raise CommandError("--unions must be 20–5000 and --runs at least 1.")
        out = self.stdout.write
        removed = scale.scale_discard_all()
        if removed:
            out(f"Removed {removed} benchmark cities (and their counties) left from an earlier run.")
        today = timezone.localdate()
        year = today.year
        plan = scale.ScalePlan(count=count)
        first_city = plan.first_city
        try:
            unions, build_seconds = [], 0.0
            for index, (code, level, parent, region) in enumerate(plan.unions):
                union, seconds = scale.scale_union_create(code=code, level=level, parent=parent, region=region)
                unions.append(union)
                build_seconds += seconds
                if index + 1 == 10:
                    at_10 = scale.provision_probe(parent=first_city)
                if (index + 1) % 100 == 0:
                    out(f"  {index + 1} unions built ({build_seconds:.0f} s of provisioning so far)")
            at_n = scale.provision_probe(parent=first_city)
            (replay_10, spare_10, fill_10), (replay_n, spare_n, fill_n) = at_10, at_n
            s10, s_n = scale.median(spare_10), scale.median(spare_n)
            out(
                f"Provisioning from spare schemas, median of {scale.PROBES}: {s10:.3f} s at 10 unions, {s_n:.3f} s at {count}"
            )
            out(
                f"  at 10: {', '.join(f'{t:.3f}' for t in spare_10)}; at {count}: {', '.join(f'{t:.3f}' for t in spare_n)}"
            )
            out(
                f"  making the spares ahead: {fill_10 / scale.PROBES:.3f} s each at 10, {fill_n / scale.PROBES:.3f} s at {count}"
            )
            out(
                f"  replaying the template (no spare), median: {scale.median(replay_10):.3f} s at 10, "
                f"{scale.median(replay_n):.3f} s at {count}"
            )
            out(f"  building all {count}: {build_seconds:.1f} s ({build_seconds / count:.3f} s a union)")

            started, rows = time.perf_counter(), {"events": 0, "cases": 0, "transitions": 0}
            for n, union in enumerate(unions):
                for key, value in bench.bench_fill_union(union=union, years=[year], seed=n).items():
                    rows[key] += value
            out(
                f"Data for {year}: {rows['events']} events, {rows['cases']} cases, {rows['transitions']} "
                f"transitions ({time.perf_counter() - started:.1f} s of bulk inserts)"
            )

            started = time.perf_counter()
            refreshed = rollup_refresh_all(year=year)
            nightly = time.perf_counter() - started
            out(f"Nightly roll-up of every union ({refreshed} rows) for {year}: {nightly:.1f} s")

            with override_settings(DEBUG=False):
                fast, slow, same = scale.city_answers_timed(
                    city=Union.objects.get(code=first_city), year=year, today=today, runs=runs
                )
            out(
                f"City {first_city} (compliance + rankings), median of {runs}: {fast * 1000:.1f} ms from the roll-up, "
                f"{slow * 1000:.1f} ms looping over its counties' schemas — {'same answers' if same else 'MISMATCH'}"
            )
            province = Union.objects.get(code=plan.first_province)
            with override_settings(DEBUG=False):
                p_fast, p_slow, p_same = scale.city_answers_timed(
                    city=province, year=year, today=today, runs=runs, answers=scale.PROVINCE_ANSWERS
                )
            out(
                f"Province {province.code} (compliance + rankings of its {union_below(union=province).count()} "
                f"unions), median of {runs}: {p_fast * 1000:.1f} ms from the roll-up, {p_slow * 1000:.1f} ms looping "
                f"over their schemas ({p_slow / p_fast:.0f}x) — {'same answers' if p_same else 'MISMATCH'}"
            )
            if not same or not p_same:
                raise CommandError("The roll-up and the loop over schemas gave different answers.")

            total = Union.objects.count()
            started = time.perf_counter()
            call_command("migrate_schemas", interactive=False, verbosity=0)
            migrate_noop = time.perf_counter() - started
            out(f"migrate_schemas with nothing to do ({total} unions in the database): {migrate_noop:.1f} s")

            schemas = [union.schema_name for union in unions]
            with scale.temporary_migration() as migration:
                started = time.perf_counter()
                scale.migrate_in_parallel(schemas=schemas)
                migrate_add = time.perf_counter() - started
                missing = scale.migration_missing_in(schemas=schemas)
            out(
                f"Additive migration {migration} (nullable column + index) on {count} unions, "
                f"multiprocessing executor: {migrate_add:.1f} s; schemas missing it afterwards: {len(missing)}"
            )
            if missing:
                raise CommandError(f"The migration is missing in {len(missing)} schemas, e.g. {missing[:5]}.")
            summary = (
                f"bench_scale N={count}: provision {s10:.3f}s@10 {s_n:.3f}s@N ratio {s_n / s10:.2f}; "
                f"migrate-noop {migrate_noop:.1f}s; migrate-add {migrate_add:.1f}s; nightly {nightly:.1f}s; "
                f"city {fast * 1000:.1f}ms ({slow / fast:.0f}x loop)"
            )
            out(summary)  # also before the clean-up, which takes a while at 1,000 unions and measures nothing
        finally:
            started = time.perf_counter()
            scale.scale_discard_all()
            out(f"Removed the benchmark unions ({time.perf_counter() - started:.1f} s).")
        out(summary)
