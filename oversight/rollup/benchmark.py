"""The city benchmark (`manage.py bench_city`): a throwaway province above a city with N county unions and a
second, small city, with years of data at the demo's density, and the two ways of answering the city's and the
province's questions — from the roll-up, and by looping over the schemas below — timed side by side."""

from __future__ import annotations

import datetime
import random
import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from oversight.assessment.selectors import (
    RANKING_FIELDS,
    adjustment_as_dict,
    adjustment_list,
    assessment_rows,
    rankings_for_city,
    scheme_items_for,
)
from shared.catalogues.models import Department, Topic
from shared.unions.models import Union
from shared.unions.selectors import union_below, union_children
from shared.unions.services import union_create, union_discard
from tenants.cases.models import Case, CaseStatus, CaseTransition
from tenants.enterprises.models import Enterprise
from tenants.events.models import Event, EventCounter, EventStatus, MediaReport
from tenants.stats.selectors import union_year_stats

from .selectors import (
    compliance_for_city,
    compliance_from_stats,
    quota_for,
    quotas_by_level,
    rankings_for_province,
    rankings_from_figures,
)

PREFIX = "zbench"  # every union this benchmark makes has a code starting with it
PROVINCE_REGION = "990000"
CITY_REGION = "999900"
OTHER_CITY_REGION = "998800"
OTHER_CITY_COUNTIES = 2  # the province's second city, so that its city ranking ranks something

# The demo's density (seed document: 27 events, 2000+ enterprises, 10,000+ attendances, 360+ problems
# solved on site): per county and year about 5 held events and one planned or cancelled, each held event
# reaching ~75 enterprises (2 registered) and ~370 workers, with ~14 problems, most solved on site.
HELD_PER_YEAR = (3, 7)
CASES_PER_EVENT = (8, 20)


def bench_discard_all() -> int:
    """Remove every union a previous run left behind (e.g. with --keep): the province, and what is under it."""
    roots = list(Union.objects.filter(code__startswith=PREFIX, parent__isnull=True))
    for root in roots:
        union_discard(union=root)
    return len(roots)


def bench_build_unions(*, count: int) -> tuple[Union, list[Union]]:
    """The province, its city `zbench` with `count` counties, and a second city with two counties. Returns the
    city and every union to fill with data (the province holds none)."""
    province = union_create(
        code=f"{PREFIX}_p", name="基准测试省总工会", level="province", region_code=PROVINCE_REGION,
        domain=f"{PREFIX}-p.bench.invalid",
    )  # fmt: skip
    city = union_create(
        code=PREFIX, name="基准测试市总工会", level="city", region_code=CITY_REGION, domain=f"{PREFIX}.bench.invalid",
        parent_code=province.code,
    )  # fmt: skip
    other = union_create(
        code=f"{PREFIX}_c2", name="基准测试二市总工会", level="city", region_code=OTHER_CITY_REGION,
        domain=f"{PREFIX}-c2.bench.invalid", parent_code=province.code,
    )  # fmt: skip
    counties = []
    for n in range(1, count + 1):
        code = f"{PREFIX}_{n:04d}"
        counties.append(
            union_create(
                code=code,
                name=f"基准测试{n}县总工会",
                level="county",
                region_code=f"9999{(n - 1) % 99 + 1:02d}",
                domain=f"{code.replace('_', '-')}.bench.invalid",
                parent_code=city.code,
            )
        )
    for n in range(1, OTHER_CITY_COUNTIES + 1):
        code = f"{other.code}_{n:02d}"
        counties.append(
            union_create(
                code=code, name=f"基准测试二市{n}县总工会", level="county", region_code=f"9988{n:02d}",
                domain=f"{code.replace('_', '-')}.bench.invalid", parent_code=other.code,
            )
        )  # fmt: skip
    return city, [city, other, *counties]


def bench_province(*, city: Union) -> Union:
    return city.parent


def _day(rng: random.Random, year: int, last: datetime.date) -> datetime.date:
    first = datetime.date(year, 1, 1)
    end = min(datetime.date(year, 12, 31), last)
    return first + datetime.timedelta(days=rng.randint(0, max((end - first).days, 0)))


def bench_fill_union(*, union: Union, years: list[int], seed: int) -> dict[str, int]:
    """Insert a union's events, cases and their links with bulk_create (no signals: the benchmark
    refreshes the roll-up itself). Returns the row counts."""
    rng = random.Random(seed)
    today = timezone.localdate()
    topics = list(Topic.objects.values_list("pk", flat=True))
    departments = list(Department.objects.values_list("pk", flat=True))
    with schema_context(union.schema_name):
        enterprises = Enterprise.objects.bulk_create(
            [Enterprise(name=f"{union.code} 企业{i}", industry="制造业") for i in range(30)]
        )
        events, plans = _bench_events(rng, years=years, today=today, topics=topics)
        Event.objects.bulk_create(events + plans)
        EventCounter.objects.all().delete()
        EventCounter.objects.create(last_number=len(events) + len(plans))

        links, department_links, media, cases = _bench_event_details(
            rng, events=events, enterprises=enterprises, departments=departments, today=today
        )
        Event.enterprises.through.objects.bulk_create(links)
        Event.departments.through.objects.bulk_create(department_links)
        MediaReport.objects.bulk_create(media)
        Case.objects.bulk_create(cases)
        transitions = [transition for case in cases for transition in _bench_transitions(case)]
        CaseTransition.objects.bulk_create(transitions)
    connection.set_schema_to_public()
    return {"events": len(events) + len(plans), "cases": len(cases), "transitions": len(transitions)}


def _bench_events(rng: random.Random, *, years: list[int], today: datetime.date, topics: list[int]):
    """(held events, one planned or cancelled December event per year), numbered 第N期 without gaps."""
    events, plans = [], []
    number = 0
    for year in years:
        for _ in range(rng.randint(*HELD_PER_YEAR)):
            held = _day(rng, year, today)
            number += 1
            events.append(
                Event(
                    number=number,
                    title=f"第{number}期 工情直通车",
                    topic_id=rng.choice(topics) if topics else None,
                    status=EventStatus.HELD,
                    planned_date=held,
                    held_date=held,
                    venue_kind=rng.choice(["enterprise", "park", "township", "court"]),
                    unregistered_enterprise_count=rng.randint(20, 120),
                    worker_attendance=rng.randint(150, 600),
                )
            )
        number += 1
        planned = datetime.date(year, 12, rng.randint(1, 28))
        plans.append(
            Event(
                number=number,
                title=f"第{number}期 计划",
                status=EventStatus.PLANNED if planned >= today else EventStatus.CANCELLED,
                cancel_reason="" if planned >= today else "时间冲突",
                planned_date=planned,
                venue_kind="other",
            )
        )
    return events, plans


def _bench_event_details(rng: random.Random, *, events, enterprises, departments: list[int], today: datetime.date):
    """Each held event's enterprises, departments, media report (60 %) and cases."""
    links, department_links, media, cases = [], [], [], []
    for event in events:
        for enterprise in rng.sample(enterprises, 2):
            links.append(Event.enterprises.through(event_id=event.pk, enterprise_id=enterprise.pk))
        for department in rng.sample(departments, min(2, len(departments))):
            department_links.append(Event.departments.through(event_id=event.pk, department_id=department))
        if rng.random() < 0.6:
            media.append(MediaReport(event=event, outlet="衢州日报", title=event.title, published_on=event.held_date))
        for _ in range(rng.randint(*CASES_PER_EVENT)):
            cases.append(_case(rng, event, departments, today))
    return links, department_links, media, cases


def _bench_transitions(case: Case) -> list[CaseTransition]:
    """The transitions that lead a case to its status."""
    transitions = [CaseTransition(case=case, from_status="", to_status=CaseStatus.RAISED)]
    if case.status == CaseStatus.SOLVED_ON_SITE:
        transitions.append(CaseTransition(case=case, from_status="raised", to_status=case.status))
    elif case.status != CaseStatus.RAISED:
        transitions.append(CaseTransition(case=case, from_status="raised", to_status=CaseStatus.REFERRED))
        if case.status != CaseStatus.REFERRED:
            transitions.append(CaseTransition(case=case, from_status="referred", to_status=case.status))
    return transitions


def _case(rng: random.Random, event: Event, departments: list[int], today: datetime.date) -> Case:
    raised = event.held_date
    roll = rng.random()
    case = Case(event=event, kind=rng.choice(["consultation", "request", "suggestion", "dispute"]), raised_on=raised)
    case.title = "职工诉求"
    if roll < 0.6:
        case.status, case.finished_on, case.outcome = CaseStatus.SOLVED_ON_SITE, raised, "当场解决"
    elif roll < 0.95:
        case.department_id = rng.choice(departments)
        case.deadline = raised + datetime.timedelta(days=rng.choice([15, 30, 60]))
        finished = raised + datetime.timedelta(days=rng.randint(5, 80))
        if finished <= today and rng.random() < 0.9:
            case.status, case.finished_on, case.outcome = CaseStatus.RESOLVED, finished, "已办结"
        else:
            case.status = CaseStatus.REFERRED
    return case


# --- the two ways of answering ------------------------------------------------------------------


def _stats_by_looping(children: list[Union], year: int, today: datetime.date) -> dict[int, dict]:
    stats = {}
    for union in children:
        with schema_context(union.schema_name):
            stats[union.pk] = union_year_stats(year=year, today=today)
    connection.set_schema_to_public()
    return stats


def _compliance_key(rows: list[dict]) -> list[tuple]:
    return [
        (r["union"].code, r["quota"], r["events_held"], r["events_planned"], r["due_by_now"], r["pace"]) for r in rows
    ]


def compliance_from_rollup(*, city: Union, year: int, today: datetime.date) -> list[tuple]:
    return _compliance_key(compliance_for_city(city=city, year=year, today=today))


def compliance_by_looping(*, city: Union, year: int, today: datetime.date) -> list[tuple]:
    children = list(union_children(union=city))
    stats = _stats_by_looping(children, year, today)
    quotas = {level: quota_for(year=year, level=level) for level in {u.level for u in children}}
    rows = [
        compliance_from_stats(union=u, year=year, stats=stats[u.pk], today=today, quota=quotas[u.level])
        for u in children
    ]
    return _compliance_key(rows)


def rankings_from_rollup(*, city: Union, year: int, today: datetime.date) -> list[dict]:
    return rankings_for_city(city=city, year=year)


def rankings_by_looping(*, city: Union, year: int, today: datetime.date) -> list[dict]:
    children = list(union_children(union=city))
    stats = _stats_by_looping(children, year, today)
    quotas = {level: quota_for(year=year, level=level) for level in {u.level for u in children}}
    adjustments: dict[int, list[dict]] = {}
    for adjustment in adjustment_list(city=city, year=year):
        adjustments.setdefault(adjustment.union_id, []).append(adjustment_as_dict(adjustment))
    rows = assessment_rows(
        unions=children,
        items=scheme_items_for(city=city, year=year),
        stats_by_union=stats,
        quotas={u.pk: quotas[u.level] for u in children},
        adjustments_by_union=adjustments,
    )
    return [{field: row[field] for field in RANKING_FIELDS} for row in rows]


def province_compliance_from_rollup(*, city: Union, year: int, today: datetime.date) -> list[tuple]:
    """`city` is the overseeing union here: the province."""
    return _compliance_key(compliance_for_city(city=city, year=year, today=today))


def province_compliance_by_looping(*, city: Union, year: int, today: datetime.date) -> list[tuple]:
    below = list(union_below(union=city))
    stats = _stats_by_looping(below, year, today)
    quotas = quotas_by_level(year=year)
    rows = [
        compliance_from_stats(union=u, year=year, stats=stats[u.pk], today=today, quota=quotas[u.level]) for u in below
    ]
    return _compliance_key(rows)


def _rankings_key(rankings: dict) -> dict:
    return {
        table: [(row["union"].code, row["rank"], row[rankings["by"]], row["quota"]) for row in rankings[table]]
        for table in ("cities", "counties")
    }


def province_rankings_from_rollup(*, city: Union, year: int, today: datetime.date) -> dict:
    return _rankings_key(rankings_for_province(province=city, year=year))


def province_rankings_by_looping(*, city: Union, year: int, today: datetime.date) -> dict:
    below = list(union_below(union=city))
    stats = _stats_by_looping(below, year, today)
    rankings = rankings_from_figures(
        province=city, unions=below, figures=stats, quotas=quotas_by_level(year=year), by="events_held"
    )
    return _rankings_key(rankings)


def timed(function: Callable, runs: int, **kwargs) -> tuple[float, list[float], object]:
    timings, answer = [], None
    for _ in range(runs):
        started = time.perf_counter()
        answer = function(**kwargs)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), timings, answer
