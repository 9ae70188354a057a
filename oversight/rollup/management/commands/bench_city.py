"""Time the city's and the province's answers served from the roll-up against the same answers computed by
looping over the schemas below:

    python manage.py bench_city [--unions 100] [--years 5] [--runs 5] [--keep]

Builds a throwaway province (code prefix "zbench") above a city with N county unions and a second city with
two counties, all made from the template schema, with years of events and cases at the demo's density (bulk
inserts), refreshes the roll-up, then times the city's compliance and rankings (its N counties) and the
province's compliance and rankings (every union below it: N + 4) both ways, prints the medians, their ratio,
and whether both ways give the same answer (OK / MISMATCH). Everything it made is removed at the end unless
--keep is given.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from oversight.rollup import benchmark as bench
from oversight.rollup.services import rollup_refresh


class Command(BaseCommand):
    help = "Benchmark the city's and the province's compliance and rankings: roll-up vs looping over the schemas."

    def add_arguments(self, parser):
        parser.add_argument("--unions", type=int, default=100, help="county unions to build (default 100)")
        parser.add_argument("--years", type=int, default=5, help="years of data, ending with this one (default 5)")
        parser.add_argument("--runs", type=int, default=5, help="timed runs of each answer (median reported)")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark unions and schemas")

    def handle(self, *args, **options):
        count, runs = options["unions"], options["runs"]
        if not 1 <= count <= 2000 or not 1 <= options["years"] <= 20 or runs < 1:
            raise CommandError("--unions must be 1–2000, --years 1–20 and --runs at least 1.")
        today = timezone.localdate()
        years = list(range(today.year - options["years"] + 1, today.year + 1))
        out = self.stdout.write
        removed = bench.bench_discard_all()
        if removed:
            out(f"Removed {removed} benchmark city left from an earlier run.")
        try:
            started = time.perf_counter()
            city, filled = bench.bench_build_unions(count=count)
            province = bench.bench_province(city=city)
            provisioned = time.perf_counter() - started
            started, rows = time.perf_counter(), {"events": 0, "cases": 0, "transitions": 0}
            for n, union in enumerate(filled):
                for key, value in bench.bench_fill_union(union=union, years=years, seed=n).items():
                    rows[key] += value
            inserted = time.perf_counter() - started
            started = time.perf_counter()
            for union in filled:
                rollup_refresh(union=union, years=years)
            refreshed = time.perf_counter() - started
            out(
                f"Built {province.code} (province) above {city.code} with {count} county unions and a second city "
                f"with {bench.OTHER_CITY_COUNTIES}, {years[0]}–{years[-1]}: {rows['events']} events, "
                f"{rows['cases']} cases, {rows['transitions']} case transitions."
            )
            out(f"  provisioning {provisioned:.1f} s, bulk inserts {inserted:.1f} s, roll-up refresh {refreshed:.1f} s")
            out(f"  ({refreshed / len(filled) * 1000:.1f} ms per union for {len(years)} years)")

            year = today.year
            below = len(filled)  # every union below the province
            answers = [
                ("compliance", city, count, bench.compliance_from_rollup, bench.compliance_by_looping),
                ("rankings", city, count, bench.rankings_from_rollup, bench.rankings_by_looping),
                ("province compliance", province, below, bench.province_compliance_from_rollup,
                 bench.province_compliance_by_looping),
                ("province rankings", province, None, bench.province_rankings_from_rollup,
                 bench.province_rankings_by_looping),
            ]  # fmt: skip
            out(f"\nAnswers for {year}, median of {runs} runs each (DEBUG off):")
            out(f"  {'answer':<19} {'from roll-up':>14} {'looping schemas':>17} {'ratio':>9}  same answer")
            all_ok = True
            with override_settings(DEBUG=False):
                for name, union, size, from_rollup, by_looping in answers:
                    kwargs = {"city": union, "year": year, "today": today}
                    fast, _fast_runs, fast_answer = bench.timed(from_rollup, runs, **kwargs)
                    slow, _slow_runs, slow_answer = bench.timed(by_looping, runs, **kwargs)
                    if size is None:  # the province's rankings: its 2 cities and all N + 2 counties
                        size = {"cities": 2, "counties": count + bench.OTHER_CITY_COUNTIES}
                        same = fast_answer == slow_answer and {k: len(v) for k, v in fast_answer.items()} == size
                    else:
                        same = fast_answer == slow_answer and len(fast_answer) == size
                    all_ok &= same
                    out(
                        f"  {name:<19} {fast * 1000:>11.2f} ms {slow * 1000:>14.2f} ms {slow / fast:>8.1f}x  "
                        f"{'OK' if same else 'MISMATCH'}"
                    )
            out("OK" if all_ok else "MISMATCH")
        finally:
            if not options["keep"]:
                bench.bench_discard_all()
            else:
                out(f"Kept the benchmark unions (code prefix {bench.PREFIX}); the next run removes them.")
