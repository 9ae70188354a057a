"""The scale benchmark (`manage.py bench_scale`): N throwaway unions — provinces, each with up to 99 cities of
up to nine counties each — with a year of data, and what grows with the number of unions timed at that size: provisioning (at 10 and at
N), migrate_schemas with nothing to do, an additive migration applied to every union by django-tenants'
parallel executor, the nightly roll-up, and a city's and a province's views against looping over the schemas
below them."""

from __future__ import annotations

import contextlib
import datetime
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import override_settings
from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand

from shared.unions.models import Union
from shared.unions.services import union_create, union_discard

from . import benchmark as bench

PREFIX = "zscale"  # every union this benchmark makes has a code starting with it
COUNTIES_PER_CITY = 9
CITIES_PER_PROVINCE = 99  # a province's cities are numbered 01–99 in its region codes
PROBES = 9  # unions created (and removed) to time provisioning at a given size: 10–20 ms each, so a median of
# nine keeps one slow moment of a shared machine from deciding the ratio


@dataclass
class ScalePlan:
    """Which unions to build, in order (a parent before its children): province p has code zscale_p<p> and
    region (89+p)0000; its city k (numbered K across provinces) zscale_c<KKK> and region (89+p)<kk>00; the
    city's county j zscale_c<KKK>_<jj> and region (89+p)<kk><jj>. Ten provinces hold up to 9,910 unions."""

    count: int
    unions: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # code, level, parent, region

    def __post_init__(self):
        group = COUNTIES_PER_CITY + 1
        cities = 0
        for p in range(1, 11):
            if len(self.unions) >= self.count:
                break
            province, prefix = f"{PREFIX}_p{p}", f"{89 + p}"
            self.unions.append((province, "province", None, f"{prefix}0000"))
            for k in range(1, CITIES_PER_PROVINCE + 1):
                if len(self.unions) >= self.count:
                    break
                cities += 1
                city = f"{PREFIX}_c{cities:03d}"
                self.unions.append((city, "city", province, f"{prefix}{k:02d}00"))
                for j in range(1, group):
                    self.unions.append((f"{city}_{j:02d}", "county", city, f"{prefix}{k:02d}{j:02d}"))
        del self.unions[self.count :]

    @property
    def first_province(self) -> str:
        return self.unions[0][0]

    @property
    def first_city(self) -> str:
        return self.unions[1][0]


LEVEL_NAMES = {"province": "省", "city": "市", "county": "县"}


def scale_union_create(*, code: str, level: str, parent: str | None, region: str) -> tuple[Union, float]:
    started = time.perf_counter()
    union = union_create(
        code=code,
        name=f"规模测试{code[len(PREFIX) + 1 :]}{LEVEL_NAMES[level]}总工会",
        level=level,
        parent_code=parent,
        region_code=region,
        domain=f"{code.replace('_', '-')}.bench.invalid",
    )
    return union, time.perf_counter() - started


def provision_probe(*, parent: str) -> tuple[list[float], list[float], float]:
    """Time creating PROBES more counties of `parent` (as many as exist now, plus one each time), then remove
    them so they do not count towards the next size: first by replaying the template (no spares), then from
    spare schemas made just before (the fill timed on its own: it is the replay, done ahead of time).
    Returns (replay timings, timings from spares, seconds to make the spares)."""
    from shared.unions.provisioning import spare_schemas_fill

    def create_and_discard(j: int) -> float:
        region = Union.objects.get(code=parent).region_code[:4] + f"{j:02d}"
        union, seconds = scale_union_create(code=f"{parent}_{j:02d}", level="county", parent=parent, region=region)
        union_discard(union=union)
        return seconds

    replayed = [create_and_discard(j) for j in range(90, 90 + PROBES)]
    started = time.perf_counter()
    spare_schemas_fill(count=PROBES, template=settings.TENANT_BASE_SCHEMA)
    fill = time.perf_counter() - started
    from_spares = [create_and_discard(j) for j in range(90, 90 + PROBES)]
    return replayed, from_spares, fill


def scale_discard_all() -> int:
    """Remove every benchmark province (or city left by an earlier version) and everything below it."""
    roots = list(Union.objects.filter(code__startswith=PREFIX, parent__isnull=True))
    for root in roots:
        union_discard(union=root)
    return len(roots)


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- an additive migration that exists only while the benchmark runs --------------------------------------

ADD_APP, ADD_TABLE, ADD_COLUMN, ADD_INDEX = "events", "events_event", "bench_scale_note", "events_bench_scale_idx"
ADD_MIGRATION = "9999_bench_scale_note"
ADD_MIGRATION_SOURCE = f'''
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("{ADD_APP}", "{{previous}}")]
    operations = [
        migrations.AddField("event", "{ADD_COLUMN}", models.CharField(max_length=40, null=True)),
        migrations.AddIndex("event", models.Index(fields=["{ADD_COLUMN}"], name="{ADD_INDEX}")),
    ]
'''


@contextlib.contextmanager
def temporary_migration() -> Iterator[str]:
    """Make the events app carry one more migration (a nullable column and an index) until the block ends.

    The app's migrations are copied, with the new one, into a temporary package that MIGRATION_MODULES names
    for the app meanwhile; Django's loader (also in the parallel executor's forked workers, which inherit the
    settings) finds it there. Nothing is written into the source tree."""
    source = Path(import_module(f"tenants.{ADD_APP}.migrations").__file__).parent
    loader = MigrationLoader(None, ignore_no_migrations=True)
    previous = max(name for app, name in loader.graph.leaf_nodes() if app == ADD_APP)
    folder = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    package = f"bench_scale_{folder.name[len('bench_scale_') :]}_migrations"
    shutil.copytree(source, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / package / f"{ADD_MIGRATION}.py").write_text(ADD_MIGRATION_SOURCE.replace("{previous}", previous))
    sys.path.insert(0, str(folder))
    try:
        with override_settings(MIGRATION_MODULES={**settings.MIGRATION_MODULES, ADD_APP: package}):
            yield ADD_MIGRATION
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.startswith(package)]:
            del sys.modules[name]
        shutil.rmtree(folder, ignore_errors=True)


def migrate_in_parallel(*, schemas: list[str]) -> None:
    """Run Django's migrate in each schema with django-tenants' multiprocessing executor."""
    command = MigrateSchemasCommand()
    parser = command.create_parser("manage.py", "migrate_schemas")
    options = vars(parser.parse_args(["--tenant", "--executor", "multiprocessing", "--noinput", "-v", "0"]))
    options["skip_checks"] = True
    GET_EXECUTOR_FUNCTION(codename="multiprocessing")((), options).run_migrations(tenants=list(schemas))
    connection.set_schema_to_public()


def migration_missing_in(*, schemas: list[str]) -> list[str]:
    """The schemas that lack the benchmark's column, its index or its migration record."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname FROM pg_namespace n
            WHERE n.nspname = ANY(%s)
              AND EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                          WHERE c.relnamespace = n.oid AND c.relname = %s AND a.attname = %s AND NOT a.attisdropped)
              AND EXISTS (SELECT 1 FROM pg_class i WHERE i.relnamespace = n.oid AND i.relname = %s AND i.relkind = 'i')
            """,
            [schemas, ADD_TABLE, ADD_COLUMN, ADD_INDEX],
        )
        complete = {row[0] for row in cursor.fetchall()}
        for schema in sorted(complete):
            cursor.execute(
                f'SELECT 1 FROM "{schema}".django_migrations WHERE app = %s AND name = %s', [ADD_APP, ADD_MIGRATION]
            )
            if cursor.fetchone() is None:
                complete.discard(schema)
    return [schema for schema in schemas if schema not in complete]


CITY_ANSWERS = [
    (bench.compliance_from_rollup, bench.compliance_by_looping),
    (bench.rankings_from_rollup, bench.rankings_by_looping),
]
PROVINCE_ANSWERS = [
    (bench.province_compliance_from_rollup, bench.province_compliance_by_looping),
    (bench.province_rankings_from_rollup, bench.province_rankings_by_looping),
]


def city_answers_timed(
    *, city: Union, year: int, today: datetime.date, runs: int, answers=CITY_ANSWERS
) -> tuple[float, float, bool]:
    """Median seconds of a city's compliance and rankings from the roll-up, the same by looping over its
    counties' schemas, and whether both ways agree. With answers=PROVINCE_ANSWERS and a province as `city`:
    the province's compliance and rankings of every union below it."""
    fast = slow = 0.0
    same = True
    for from_rollup, by_looping in answers:
        kwargs = {"city": city, "year": year, "today": today}
        fast_seconds, _runs, fast_answer = bench.timed(from_rollup, runs, **kwargs)
        slow_seconds, _runs, slow_answer = bench.timed(by_looping, runs, **kwargs)
        fast, slow = fast + fast_seconds, slow + slow_seconds
        same &= fast_answer == slow_answer
    return fast, slow, same
