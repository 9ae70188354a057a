"""Proving a published assessment (verify_published).

Every figure of a publication (each union's statistics, each item's points or veto, adjustments, total,
rank) is recomputed two ways and compared with what was published:

- re-derived: from the rows kept at publication (PublishedSource: events and cases as they were, checked
  against their SHA-256), through the same union_year_stats and the same scoring with the published scheme,
  quotas and adjustments. A difference means the published figure is not backed by its events and cases
  (e.g. the roll-up lagged behind at publication) or that the kept rows were altered;
- current: from the events and cases in the union's schema now (counted as of the publication day), to show
  what later data changed. A published year never moves because of these; they are reported, not applied.

Both are generic over item kinds: items are compared by key, whatever they score.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import DatabaseError
from django_tenants.utils import schema_context, schema_exists

from shared.unions.models import Union
from tenants.stats.selectors import STAT_KEYS, union_year_stats
from tenants.stats.sources import sources_digest, year_stats_from_sources

from .models import Publication, PublishedSource
from .selectors import assessment_rows


@dataclass
class Difference:
    union: str
    figure: str
    published: object
    found: object


@dataclass
class PublicationCheck:
    publication: Publication
    not_rederived: list[Difference] = field(default_factory=list)  # published figures their sources do not give
    changed_since: list[Difference] = field(default_factory=list)  # current figures that differ from published
    figures: int = 0  # how many published figures were checked

    @property
    def proven(self) -> bool:
        return not self.not_rederived


def row_figures(row: dict) -> dict[str, object]:
    """Every published figure of one union's row, by a stable name."""
    figures: dict[str, object] = {f"stats.{key}": row["stats"].get(key) for key in STAT_KEYS}
    figures["stats.events_held_by_month"] = list(row["stats"].get("events_held_by_month") or [])
    for line in row["breakdown"]:
        name = f"item.{line['key']}"
        figures[name] = line.get("vetoed") if line.get("kind") == "veto" else line.get("points")
    for name in ("base", "bonus", "score", "adjustment_total", "total", "rank", "veto", "on_site_rate"):
        figures[name] = row.get(name)
    return figures


def _rescore(publication: Publication, stats_by_union: dict[int, dict]) -> dict[int, dict]:
    """The publication's rows recomputed from other figures, with the published scheme, quotas and adjustments."""
    rows = publication.snapshot["rows"]
    unions = {u.id: u for u in Union.objects.filter(id__in=[row["union_id"] for row in rows])}
    rescored = assessment_rows(
        # A union removed since keeps its published code and name.
        unions=[
            unions.get(row["union_id"]) or Union(id=row["union_id"], code=row["union"], name=row["union_name"])
            for row in rows
        ],
        items=publication.snapshot["scheme"],
        stats_by_union=stats_by_union,
        quotas={row["union_id"]: row["quota"] for row in rows},
        adjustments_by_union={row["union_id"]: row["adjustments"] for row in rows},
    )
    return {row["union_id"]: row for row in rescored}


def _compare(published_rows: list[dict], found: dict[int, dict], into: list[Difference]) -> int:
    checked = 0
    for row in published_rows:
        published = row_figures(row)
        other = row_figures(found[row["union_id"]]) if row["union_id"] in found else {}
        for name, value in published.items():
            checked += 1
            if other.get(name) != value:
                into.append(Difference(union=row["union"], figure=name, published=value, found=other.get(name)))
    return checked


def _check_scores(publication: Publication, check: PublicationCheck) -> None:
    """Each union's stored line (what a county reads) says what the snapshot says."""
    by_union = {row["union_id"]: row for row in publication.snapshot["rows"]}
    for score in publication.scores.all():
        row = by_union.get(score.union_id, {})
        for name, stored, published in (
            ("line.total", float(score.total), row.get("total")),
            ("line.rank", score.rank, row.get("rank")),
        ):
            if stored != published:
                check.not_rederived.append(Difference(row.get("union", score.union_id), name, published, stored))


def _derive(source: PublishedSource, year: int, check: PublicationCheck, code: str) -> dict | None:
    """The union's figures from its kept rows, or None (with the reason recorded) when they cannot be had."""
    if sources_digest(source.sources) != source.sha256:
        check.not_rederived.append(Difference(code, "sources", source.sha256, sources_digest(source.sources)))
        return None
    try:
        return year_stats_from_sources(sources=source.sources, year=year, today=source.as_of)
    except DatabaseError as error:  # e.g. a figure that now reads a table the kept rows lack
        check.not_rederived.append(Difference(code, "sources", "re-derivable", f"cannot re-derive: {error}"))
        return None


def publication_verify(*, publication: Publication) -> PublicationCheck:
    check = PublicationCheck(publication=publication)
    rows = publication.snapshot["rows"]
    sources = {source.union_id: source for source in publication.sources.select_related("union")}
    derived, current = {}, {}
    _check_scores(publication, check)
    for row in rows:
        source = sources.get(row["union_id"])
        if source is None:
            check.not_rederived.append(Difference(row["union"], "sources", "kept", "none kept at publication"))
            continue
        stats = _derive(source, publication.year, check, row["union"])
        if stats is not None:
            derived[row["union_id"]] = stats
        if schema_exists(source.union.schema_name):
            with schema_context(source.union.schema_name):
                current[row["union_id"]] = union_year_stats(year=publication.year, today=source.as_of)
    if len(derived) == len(rows):
        check.figures = _compare(rows, _rescore(publication, derived), check.not_rederived)
    if current:
        rescored = _rescore(publication, current)
        _compare(rows, {k: v for k, v in rescored.items() if k in current}, check.changed_since)
    return check


def publications_verify(*, year: int, city: Union | None = None) -> list[PublicationCheck]:
    """Every publication of `year` (of one city, or of all), live and reopened ones, oldest first."""
    publications = Publication.objects.filter(year=year).select_related("city").order_by("city__code", "published_at")
    if city is not None:
        publications = publications.filter(city=city)
    return [publication_verify(publication=publication) for publication in publications]
