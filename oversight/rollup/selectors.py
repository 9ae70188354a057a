"""Reads of the oversight of a city (its counties) and of a province (its cities and their counties).
Everything an overseeing union sees about the unions below it comes from the roll-up table (public schema),
never from a loop over their schemas."""

from __future__ import annotations

import datetime
import json
import math

from django.db import connection
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.assessment.scoring import competition_ranks
from shared.catalogues.models import Department
from shared.core.exceptions import ApplicationError
from shared.unions.archiving import union_below_counted, union_counted_in
from shared.unions.models import Union, UnionLevel
from tenants.cases.models import Case
from tenants.events.models import Event
from tenants.stats.selectors import STAT_KEYS

from .models import Notice, QuotaRule, UnionYearStats

QUOTA_FROM_YEAR = 2018  # since 2018 every county union must hold at least 4 events a year
DEFAULT_COUNTY_QUOTA = 4


def rollup_years_of_union() -> set[int]:
    """Every year in which the current union (schema) has an event planned or held or a case raised."""
    years: set[int] = set()
    for queryset, field in (
        (Event.objects.all(), "planned_date"),
        (Event.objects.filter(held_date__isnull=False), "held_date"),
        (Case.objects.all(), "raised_on"),
    ):
        years.update(queryset.annotate(y=ExtractYear(field)).order_by().values_list("y", flat=True).distinct())
    return years


def rollup_for_city(*, city: Union, year: int) -> QuerySet[UnionYearStats]:
    """The roll-up rows of every union below `city` for `year` (a city's counties; a province's cities and
    counties); unions without a row have none yet."""
    # Archived unions leave the figures from the year they were archived (unions.archiving).
    counted = union_below_counted(union=city, year=year)
    return UnionYearStats.objects.filter(union__in=counted, year=year).select_related("union")


# What unions_with_year_stats may read of a roll-up row: its figures (STAT_KEYS and the two JSON ones, as
# UnionYearStats.as_stats gives them) and when they were computed.
YEAR_STATS_FIELDS = (*STAT_KEYS, "events_held_by_month", "cases_overdue_by_department", "computed_at")


def _union_builder(*, names: list[str], alias: str):
    """What makes a Union of a row holding every concrete field (`names`, in order) read from `alias`: the
    instance Model.from_db makes, without Model.__init__'s pass over the fields (a province reads a thousand
    unions at once and that pass was most of its time). The values go where __init__ would put them (the
    instance's __dict__, by attname) and the state says loaded from `alias`. Only while nothing listens to
    the model's pre_init or post_init, which that shortcut would not send; otherwise Model.from_db."""
    if pre_init.has_listeners(Union) or post_init.has_listeners(Union):
        return lambda values: Union.from_db(alias, names, values)

    def union_from_row(values: tuple) -> Union:
        union = Union.__new__(Union)
        union.__dict__.update(zip(names, values, strict=True))
        state = union._state = ModelState()
        state.adding, state.db = False, alias
        return union

    return union_from_row


# The year's quota rules as {level: minimum}, for unions_with_year_stats_and_columns (%(year)s).
QUOTA_RULES_SQL = (
    f"(SELECT json_object_agg(q.level, q.min_events_held) FROM {QuotaRule._meta.db_table} q WHERE q.year = %(year)s)"
)


def unions_with_year_stats_and_columns(
    *, union: Union, year: int, below: bool = True, fields: tuple[str, ...] = YEAR_STATS_FIELDS, columns: list[str]
) -> tuple[list[tuple[Union, dict | None]], tuple | None]:
    """unions_with_year_stats and, in the same statement, the values of `columns`: SQL expressions that do
    not depend on the row (e.g. QUOTA_RULES_SQL), which may use %(union)s and %(year)s. They are sent with
    the first row only, so a large value (a scheme's items) crosses once; None when there is no union below
    (read them on their own then)."""
    union_fields = Union._meta.concrete_fields
    stats_fields = [UnionYearStats._meta.get_field(name) for name in fields]
    # s.id says whether the union has a row at all (every figure may be asked for or not).
    selected = [f'u."{field.column}"' for field in union_fields] + ['s."id"']
    selected += [f's."{field.column}"' for field in stats_fields]
    order = "u.region_code, u.code"
    selected += [f"CASE WHEN row_number() OVER (ORDER BY {order}) = 1 THEN {column} END" for column in columns]
    unions, stats = Union._meta.db_table, UnionYearStats._meta.db_table
    where = "u.parent_id = %(union)s"
    # Only a province has unions two levels down (a county's parent is a city, a city's is a province:
    # unions.services), so a city's unions below are its children, read through the index on parent_id.
    # Written "u.parent_id = %s OR u.parent_id IN (its children)", the planner scans every union and every
    # roll-up row of the year: a city's answer would grow with the registry instead of with its counties.
    if below and union.level == UnionLevel.PROVINCE:
        where = f"u.parent_id IN (SELECT c.id FROM {unions} c WHERE c.id = %(union)s OR c.parent_id = %(union)s)"
    sql = (
        f"SELECT {', '.join(selected)} FROM {unions} u"
        f" LEFT JOIN {stats} s ON s.union_id = u.id AND s.year = %(year)s WHERE {where} ORDER BY {order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"union": union.pk, "year": year})
        rows = cursor.fetchall()
    width = len(union_fields)
    end = width + 1 + len(fields)
    union_names = [field.attname for field in union_fields]
    # Only the JSON figures need decoding; the others come as the dict's values, no model instance built.
    decoded = [
        (name, field) for name, field in zip(fields, stats_fields, strict=True) if hasattr(field, "from_db_value")
    ]
    union_from_row = _union_builder(names=union_names, alias=connection.alias)
    pairs = []
    for row in rows:
        figures = None
        if row[width] is not None:
            figures = dict(zip(fields, row[width + 1 : end], strict=True))
            for name, field in decoded:
                figures[name] = field.from_db_value(figures[name], None, connection)
        pairs.append((union_from_row(row[:width]), figures))
    return pairs, rows[0][end:] if rows else None


def unions_with_year_stats(
    *, union: Union, year: int, below: bool = True, fields: tuple[str, ...] = YEAR_STATS_FIELDS
) -> list[tuple[Union, dict | None]]:
    """Every union below `union` (`below`: a province's cities and their counties; otherwise its children
    only), archived ones included, in registry order, each with the `fields` of its roll-up row of `year`
    as a dict (YEAR_STATS_FIELDS: every figure and computed_at) or None without a row: one statement (the
    unions left-joined to the roll-up on (union, year)), whatever the number of unions.
    `union_below` and `union_children` say the same in the ORM."""
    return unions_with_year_stats_and_columns(union=union, year=year, below=below, fields=fields, columns=[])[0]


def unions_with_year_stats_and_quotas(
    *, union: Union, year: int, below: bool = True, fields: tuple[str, ...] = YEAR_STATS_FIELDS
) -> tuple[list[tuple[Union, dict | None]], dict[str, int]]:
    """unions_with_year_stats and the quota of each level for `year` (quotas_by_level), in the same statement."""
    pairs, values = unions_with_year_stats_and_columns(
        union=union, year=year, below=below, fields=fields, columns=[QUOTA_RULES_SQL]
    )
    if values is None:  # nobody below, so no quota is shown: the defaults, without another query
        return pairs, quotas_from_rules(year=year, rules={})
    return pairs, quotas_from_json(year=year, rules=values[0])


def quotas_from_json(*, year: int, rules) -> dict[str, int]:
    """quotas_from_rules from QUOTA_RULES_SQL's value as the database gives it (JSON text, or None: no rule)."""
    rules = json.loads(rules) if isinstance(rules, str) else rules or {}
    return quotas_from_rules(year=year, rules={level: int(minimum) for level, minimum in rules.items()})


def overdue_by_department_for_city(*, city: Union, year: int) -> list[dict]:
    """Which departments answer late: overdue cases of the year summed over the city's counted child unions,
    by department, from the roll-up (one query for the rows, one for the names). Most overdue first."""
    totals: dict[int, dict] = {}
    for row in rollup_for_city(city=city, year=year).only("union_id", "cases_overdue_by_department"):
        for department_id, count in (row.cases_overdue_by_department or {}).items():
            if count:
                entry = totals.setdefault(int(department_id), {"overdue": 0, "unions": 0})
                entry["overdue"] += int(count)
                entry["unions"] += 1
    names = dict(Department.objects.filter(pk__in=totals).values_list("pk", "name"))
    rows = [{"department_id": pk, "department": names.get(pk, "—"), **entry} for pk, entry in totals.items()]
    return sorted(rows, key=lambda r: (-r["overdue"], r["department"]))


def quota_for(*, year: int, level: str) -> int:
    """Minimum events held for a union of `level` in `year`: the QuotaRule if there is one, otherwise the
    default (counties 4 from 2018, none before; cities and provinces none of their own)."""
    rule = QuotaRule.objects.filter(year=year, level=level).values_list("min_events_held", flat=True).first()
    if rule is not None:
        return rule
    return _default_quota(year=year, level=level)


def _default_quota(*, year: int, level: str) -> int:
    if level == UnionLevel.COUNTY and year >= QUOTA_FROM_YEAR:
        return DEFAULT_COUNTY_QUOTA
    return 0


def quarters_completed(*, year: int, today: datetime.date) -> int:
    """How many quarters of `year` have ended before `today` (0–4)."""
    if today.year < year:
        return 0
    if today.year > year:
        return 4
    return (today.month - 1) // 3


def due_by(*, quota: int, quarters: int) -> int:
    """Events that should have been held after `quarters` full quarters: a quarter of the quota each, rounded up."""
    return math.ceil(quota * quarters / 4)


def pace_for(*, quota: int, held: int, year: int, today: datetime.date) -> str:
    """done: held ≥ quota; missed: the year is over and held < quota; at_risk: behind the quarterly pace
    as of today; on_track otherwise."""
    _quota, due, year_over = _schedule(quota=quota, year=year, today=today)
    return _pace(quota=quota, held=held, due=due, year_over=year_over)


def _pace(*, quota: int, held: int, due: int, year_over: bool) -> str:
    if held >= quota:
        return "done"
    if year_over:
        return "missed"
    return "at_risk" if held < due else "on_track"


def _schedule(*, quota: int, year: int, today: datetime.date) -> tuple[int, int, bool]:
    """(quota, events due by now, whether the year is over): what every union with that quota shares."""
    due = due_by(quota=quota, quarters=quarters_completed(year=year, today=today))
    return quota, due, today > datetime.date(year, 12, 31)


def _compliance_row(
    *, union: Union, schedule: tuple[int, int, bool], held: int, planned: int, computed_at=None
) -> dict:
    quota, due, year_over = schedule
    return {
        "union": union,
        "quota": quota,
        "events_held": held,
        "events_planned": planned,
        "due_by_now": min(quota, due),
        "pace": _pace(quota=quota, held=held, due=due, year_over=year_over),
        "computed_at": computed_at,
    }


# What a compliance row reads of the roll-up.
COMPLIANCE_FIELDS = ("events_held", "events_planned", "computed_at")


def _row_from_rollup(*, union: Union, schedule: tuple[int, int, bool], stats: dict | None) -> dict:
    if stats is None:  # not computed yet: a union with no data has nothing held or planned
        return _compliance_row(union=union, schedule=schedule, held=0, planned=0)
    return _compliance_row(
        union=union,
        schedule=schedule,
        held=stats["events_held"],
        planned=stats["events_planned"],
        computed_at=stats["computed_at"],
    )


def compliance_for_city(*, city: Union, year: int, today: datetime.date | None = None) -> list[dict]:
    """One row per union below `city` (a city's counties; a province's cities and their counties), in registry
    order (a city, then its counties): quota of its level, events held and planned, pace and when the figures
    were computed. One statement (the unions with the figures of their roll-up rows it needs and the year's
    quota rules), whatever the number of unions; what depends on the level alone is worked out once a level."""
    today = today or timezone.localdate()
    below, quotas = unions_with_year_stats_and_quotas(union=city, year=year, fields=COMPLIANCE_FIELDS)
    schedules = {level: _schedule(quota=quota, year=year, today=today) for level, quota in quotas.items()}
    return [
        _row_from_rollup(union=union, schedule=schedules[union.level], stats=stats)
        for union, stats in below
        if union_counted_in(union, year=year)
    ]


# What a province may rank its cities and counties by (figures of the roll-up; more is better).
RANKING_METRICS = ("events_held", "enterprises_reached", "worker_attendance", "cases_raised", "cases_solved_on_site")


def _ranked(rows: list[dict], by: str) -> list[dict]:
    """Rank rows by `by` (standard competition ranking: ties share a rank), best first; equal ranks keep
    registry order."""
    for row, rank in zip(rows, competition_ranks([row[by] for row in rows]), strict=True):
        row["rank"] = rank
    return sorted(rows, key=lambda row: row["rank"])


def _ranking_row(union: Union, figures: list[dict], quota: int, counties: int = 0) -> dict:
    first, *more = figures  # a county has one; a city, its own and its counties'
    row = {key: first[key] for key in RANKING_METRICS}
    for other in more:
        for key in RANKING_METRICS:
            row[key] += other[key]
    row.update(union=union, quota=quota, counties=counties)
    return row


def ranking_metric_valid(by: str | None) -> str:
    by = by or "events_held"
    if by not in RANKING_METRICS:
        raise ApplicationError(
            _("Some fields are not valid."),
            fields={"by": [_("Rank by one of: %(metrics)s.") % {"metrics": ", ".join(RANKING_METRICS)}]},
        )
    return by


def rankings_from_figures(
    *, province: Union, unions: list[Union], figures: dict[int, dict], quotas: dict[str, int], by: str
) -> dict:
    """The province's two rankings from each union's figures (a stats dict per union id, zeros if missing):
    its cities, each with its own figures plus its counties', and all its counties province-wide."""
    empty = dict.fromkeys(RANKING_METRICS, 0)
    cities = [u for u in unions if u.level == UnionLevel.CITY and u.parent_id == province.pk]
    counties = [u for u in unions if u.level == UnionLevel.COUNTY]
    below: dict[int, list[Union]] = {city.pk: [] for city in cities}
    for county in counties:
        below.setdefault(county.parent_id, []).append(county)
    city_rows = [
        _ranking_row(
            city,
            [figures.get(u.pk, empty) for u in [city, *below[city.pk]]],
            quotas[UnionLevel.CITY] + quotas[UnionLevel.COUNTY] * len(below[city.pk]),
            counties=len(below[city.pk]),
        )
        for city in cities
    ]
    county_rows = [_ranking_row(u, [figures.get(u.pk, empty)], quotas[UnionLevel.COUNTY]) for u in counties]
    return {"by": by, "cities": _ranked(city_rows, by), "counties": _ranked(county_rows, by)}


def rankings_for_province(*, province: Union, year: int, by: str | None = None) -> dict:
    """Rankings of the province's cities (a city's own figures plus its counties') and of all its counties
    province-wide, by one roll-up figure (`by`, events held unless said), standard competition ranking.
    One statement whatever the number of unions: the unions with their roll-up rows and the quota rules."""
    by = ranking_metric_valid(by)
    unions, figures = [], {}
    below, quotas = unions_with_year_stats_and_quotas(union=province, year=year, fields=RANKING_METRICS)
    for union, stats in below:
        if union_counted_in(union, year=year):
            unions.append(union)
            if stats is not None:
                figures[union.pk] = stats
    return rankings_from_figures(province=province, unions=unions, figures=figures, quotas=quotas, by=by)


def quotas_by_level(*, year: int) -> dict[str, int]:
    """The quota of every level for `year` in one query (QuotaRule rows, else the defaults of quota_for)."""
    rules = dict(QuotaRule.objects.filter(year=year).values_list("level", "min_events_held"))
    return quotas_from_rules(year=year, rules=rules)


def quotas_from_rules(*, year: int, rules: dict[str, int]) -> dict[str, int]:
    """The quota of every level for `year` from that year's QuotaRule rows ({level: minimum}) already read."""
    return {
        level: rules[level] if level in rules else _default_quota(year=year, level=level) for level in UnionLevel.values
    }


def compliance_for_union(*, union: Union, year: int, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    stats = UnionYearStats.objects.filter(union=union, year=year).values(*COMPLIANCE_FIELDS).first()
    schedule = _schedule(quota=quota_for(year=year, level=union.level), year=year, today=today)
    return _row_from_rollup(union=union, schedule=schedule, stats=stats)


def compliance_from_stats(*, union: Union, year: int, stats: dict, today: datetime.date, quota: int) -> dict:
    """The compliance row from a stats dict computed directly in the union's schema (no computed_at): what
    the roll-up's answer must equal."""
    schedule = _schedule(quota=quota, year=year, today=today)
    return _compliance_row(union=union, schedule=schedule, held=stats["events_held"], planned=stats["events_planned"])


def notice_list(*, user, union: Union) -> QuerySet[Notice]:
    """The user's own notices about the union whose host was called."""
    return Notice.objects.filter(user=user, union=union).order_by("-created_at", "-id")
