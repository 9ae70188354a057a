"""Reads of the annual assessment. Scores of an open year come from the roll-up table
(rollup.UnionYearStats) in a fixed number of queries, never from a loop over the counties' schemas; a
published year is read from its frozen snapshot."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from oversight.rollup.selectors import (
    QUOTA_RULES_SQL,
    quotas_by_level,
    quotas_from_json,
    unions_with_year_stats,
    unions_with_year_stats_and_columns,
)
from shared.unions.archiving import union_counted_in
from shared.unions.models import Union
from tenants.stats.selectors import STAT_KEYS

from .models import Adjustment, AssessmentScheme, Export, Publication, PublishedScore
from .scoring import KINDS, METRICS, VETO_OPS, default_items, rank_rows, scheme_rules, score_rules

EMPTY_STATS = {key: 0 for key in STAT_KEYS} | {"events_held_by_month": [0] * 12, "cases_overdue_by_department": {}}


def scheme_get(*, city: Union, year: int) -> AssessmentScheme | None:
    return AssessmentScheme.objects.filter(city=city, year=year).select_related("updated_by").first()


def scheme_items_for(*, city: Union, year: int) -> list[dict]:
    """The city's items for `year`: its saved scheme, or the default scheme when none was saved."""
    items = AssessmentScheme.objects.filter(city=city, year=year).values_list("items", flat=True).first()
    return items if items is not None else default_items()


def _json(model, field: str, value):
    return model._meta.get_field(field).from_db_value(value, None, connection) if value is not None else None


# What the city's assessment of a year needs besides the unions (%(union)s is the city): whether a live
# publication freezes it, the scheme's items (none saved: the default), the quota rules and whether there
# are adjustments to read. Read with the unions (unions_with_year_stats_and_columns), or alone.
YEAR_CONTEXT_SQL = [
    f"EXISTS (SELECT 1 FROM {Publication._meta.db_table} p"
    " WHERE p.city_id = %(union)s AND p.year = %(year)s AND p.reopened_at IS NULL)",
    f"(SELECT s.items FROM {AssessmentScheme._meta.db_table} s WHERE s.city_id = %(union)s AND s.year = %(year)s)",
    QUOTA_RULES_SQL,
    f"EXISTS (SELECT 1 FROM {Adjustment._meta.db_table} a WHERE a.city_id = %(union)s AND a.year = %(year)s)",
]


def _year_context(
    *, city: Union, year: int, values: tuple | None = None
) -> tuple[bool, list[dict], dict[str, int], bool]:
    """(published, items, quotas by level, adjusted) from YEAR_CONTEXT_SQL's `values`, read here in one
    statement when not given."""
    if values is None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(YEAR_CONTEXT_SQL)}", {"union": city.pk, "year": year})
            values = cursor.fetchone()
    published, items, rules, adjusted = values
    items = _json(AssessmentScheme, "items", items)
    quotas = quotas_from_json(year=year, rules=rules)
    return published, items if items is not None else default_items(), quotas, adjusted


def scheme_view(*, city: Union, year: int) -> dict:
    """The year's scheme as the API shows it: the saved one, or the default (`is_default`) until an admin saves
    one, with the metrics, kinds and veto conditions an editor may choose from."""
    scheme = scheme_get(city=city, year=year)
    return {
        "year": year,
        "is_default": scheme is None,
        "published": publication_live(city=city, year=year) is not None,
        "items": scheme_items_for(city=city, year=year),
        "updated_by": scheme.updated_by.display_name() if scheme and scheme.updated_by else None,
        "updated_at": scheme.updated_at.isoformat() if scheme else None,
        "metrics": list(METRICS),
        "kinds": list(KINDS),
        "veto_ops": list(VETO_OPS),
    }


def publication_live(*, city: Union, year: int) -> Publication | None:
    """The publication that freezes the city's `year`, or None while the year is open."""
    return Publication.objects.filter(city=city, year=year, reopened_at__isnull=True).first()


def publication_list(*, city: Union, year: int | None = None) -> QuerySet[Publication]:
    queryset = Publication.objects.filter(city=city).select_related("published_by", "reopened_by")
    return queryset.filter(year=year) if year is not None else queryset


def adjustment_list(*, city: Union, year: int) -> QuerySet[Adjustment]:
    return Adjustment.objects.filter(city=city, year=year).select_related("union", "created_by")


def adjustment_as_dict(adjustment: Adjustment) -> dict:
    return {
        "id": adjustment.id,
        "union": adjustment.union.code,
        "points": float(adjustment.points),
        "reason": adjustment.reason,
        "created_by": adjustment.created_by.display_name(),
        "created_at": adjustment.created_at.isoformat(),
    }


def assessment_rows(
    *,
    unions: list[Union],
    items: list[dict],
    stats_by_union: dict[int, dict],
    quotas: dict[int, int],
    adjustments_by_union: dict[int, list[dict]] | None = None,
    computed_at: dict[int, str | None] | None = None,
) -> list[dict]:
    """Score and rank `unions` from their figures (no queries). The roll-up selectors and anyone who
    computed the same figures another way (e.g. a benchmark looping over the schemas) get equal answers."""
    adjustments_by_union = adjustments_by_union or {}
    computed_at = computed_at or {}
    rules = scheme_rules(items)
    rows = []
    for union in unions:
        stats = stats_by_union.get(union.id) or EMPTY_STATS
        quota = quotas[union.id]
        scored = score_rules(rules=rules, stats=stats, quota=quota)
        adjustments = adjustments_by_union.get(union.id, [])
        adjustment_total = sum((Decimal(str(a["points"])) for a in adjustments), Decimal(0))
        total = scored["score"] + adjustment_total
        raised = int(stats.get("cases_raised") or 0)
        rows.append(
            {
                "union": union.code,
                "union_id": union.id,
                "union_name": union.name,
                "rank": None,
                "total": float(total),
                "score": float(scored["score"]),
                "base": float(scored["base"]),
                "bonus": float(scored["bonus"]),
                "adjustment_total": float(adjustment_total),
                "veto": bool(scored["vetoes"]),
                "vetoes": scored["vetoes"],
                "quota": quota,
                "events_held": int(stats.get("events_held") or 0),
                "on_site_rate": round(int(stats.get("cases_solved_on_site") or 0) / raised, 4) if raised else 0.0,
                "breakdown": scored["breakdown"],
                "adjustments": adjustments,
                "stats": {key: stats.get(key, 0) for key in STAT_KEYS}
                | {"events_held_by_month": list(stats.get("events_held_by_month") or [0] * 12)},
                "computed_at": computed_at.get(union.id),
            }
        )
    return rank_rows(rows)


def assessment_live_rows(
    *,
    city: Union,
    year: int,
    items: list[dict] | None = None,
    unions_with_stats: list[tuple[Union, dict | None]] | None = None,
    quotas: dict[str, int] | None = None,
    adjusted: bool = True,
) -> list[dict]:
    """Current (unpublished) scores of the city's child unions, from the roll-up, in a fixed number of queries
    whatever the number of unions (the unions left-joined to their roll-up rows, the scheme, the adjustments,
    the quota rules). What the caller has already read it passes: `unions_with_stats` (the children as
    unions_with_year_stats gives them), `quotas` by level, `adjusted` False when there is no adjustment."""
    if unions_with_stats is None:
        unions_with_stats = unions_with_year_stats(union=city, year=year, below=False)
    # Archived unions are left out from the year they were archived (unions.archiving).
    counted = [(union, stats) for union, stats in unions_with_stats if union_counted_in(union, year=year)]
    unions = [union for union, _stats in counted]
    items = items if items is not None else scheme_items_for(city=city, year=year)
    stats_by_union, computed_at = {}, {}
    for union, figures in counted:
        if figures is not None:  # as UnionYearStats.as_stats gives them, and computed_at
            stats_by_union[union.pk] = figures
            computed_at[union.pk] = figures["computed_at"].isoformat()
    adjustments_by_union: dict[int, list[dict]] = defaultdict(list)
    if adjusted:
        for adjustment in adjustment_list(city=city, year=year):
            adjustments_by_union[adjustment.union_id].append(adjustment_as_dict(adjustment))
    quota_by_level = quotas if quotas is not None else quotas_by_level(year=year)
    return assessment_rows(
        unions=unions,
        items=items,
        stats_by_union=stats_by_union,
        quotas={union.id: quota_by_level[union.level] for union in unions},
        adjustments_by_union=adjustments_by_union,
        computed_at=computed_at,
    )


def _left_out(unions_with_stats: list[tuple[Union, dict | None]], year: int) -> list[dict]:
    return [
        {"code": union.code, "name": union.name, "archived_on": union.archived_on.isoformat()}
        for union, _stats in unions_with_stats
        if not union_counted_in(union, year=year)
    ]


def assessment_view(*, city: Union, year: int) -> dict:
    """Everything the city sees of a year: the scheme in force and the ranked rows, frozen when published, and
    which archived unions the year leaves out. One statement while the year is open and nobody adjusted a
    score (the children with their roll-up rows, and with the first of them whether the year is published,
    the scheme, the quotas and whether there are adjustments; two for a city without children), one more to
    read the publication or the adjustments when there are some."""
    children, context = unions_with_year_stats_and_columns(union=city, year=year, below=False, columns=YEAR_CONTEXT_SQL)
    published, items, quotas, adjusted = _year_context(city=city, year=year, values=context)
    publication = publication_live(city=city, year=year) if published else None
    if publication is not None:
        return {
            "year": year,
            "published": True,
            "published_at": publication.published_at.isoformat(),
            "scheme": publication.snapshot["scheme"],
            "rows": publication.snapshot["rows"],
            "left_out": _left_out(children, year),
        }
    rows = assessment_live_rows(
        city=city, year=year, items=items, unions_with_stats=children, quotas=quotas, adjusted=adjusted
    )
    return {
        "year": year,
        "published": False,
        "published_at": None,
        "scheme": items,
        "rows": rows,
        "left_out": _left_out(children, year),
    }


def assessment_scores(*, city: Union, year: int) -> list[dict]:
    """Ranked rows (union, total, breakdown, rank, …) of the city's child unions for `year`: from the frozen
    snapshot when the year is published, otherwise from the roll-up and the adjustments."""
    return assessment_view(city=city, year=year)["rows"]


RANKING_FIELDS = (
    "rank",
    "union",
    "union_name",
    "total",
    "score",
    "adjustment_total",
    "on_site_rate",
    "events_held",
    "quota",
    "veto",
)


def rankings_view(*, city: Union, year: int) -> dict:
    """``{"year", "published", "results"}``: the ranking and whether it is the published (frozen) one."""
    view = assessment_view(city=city, year=year)
    results = [{field: row[field] for field in RANKING_FIELDS} for row in view["rows"]]
    return {"year": year, "published": view["published"], "results": results}


def rankings_for_city(*, city: Union, year: int) -> list[dict]:
    """The ranking of the city's child unions (standard competition ranking; ties broken by on-site
    resolution rate, then events held), without the per-item breakdown."""
    return rankings_view(city=city, year=year)["results"]


def published_score_for_union(*, union: Union, year: int) -> tuple[PublishedScore, int] | None:
    """A county's own line of its city's live publication for `year`, with the number of units ranked."""
    if union.parent_id is None:
        return None
    score = (
        PublishedScore.objects.filter(
            union=union,
            publication__city_id=union.parent_id,
            publication__year=year,
            publication__reopened_at__isnull=True,
        )
        .select_related("publication")
        .first()
    )
    if score is None:
        return None
    return score, PublishedScore.objects.filter(publication=score.publication).count()


# What a county sees of its own published line.
OWN_LINE_KEYS = ("union", "union_name", "total", "score", "adjustment_total", "veto", "vetoes", "breakdown")


def own_published_line(*, union: Union, year: int) -> dict | None:
    """A county's own published score, rank and breakdown for `year` (nothing of the other counties), or None
    until its city publishes."""
    found = published_score_for_union(union=union, year=year)
    if found is None:
        return None
    score, ranked = found
    row = score.row
    return {
        "year": year,
        **{key: row[key] for key in OWN_LINE_KEYS},
        "rank": score.rank,
        "ranked": ranked,
        "adjustments": [{k: a[k] for k in ("points", "reason", "created_at")} for a in row["adjustments"]],
        "published_at": score.publication.published_at.isoformat(),
    }


def export_list(*, city: Union) -> QuerySet[Export]:
    """The city's export files; ``out_of_date`` is true for a file made before the year's result was reopened
    (what it shows may no longer be the result)."""
    reopened_later = Publication.objects.filter(
        city=OuterRef("city"), year=OuterRef("year"), reopened_at__gt=OuterRef("created_at")
    )
    return Export.objects.filter(city=city).annotate(out_of_date=Exists(reopened_later))
