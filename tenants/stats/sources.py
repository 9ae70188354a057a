"""The rows behind a union's yearly figures, kept so that a published figure can be re-derived years later.

``year_stats_sources`` copies, as PostgreSQL's own JSON of whole rows, every row that ``union_year_stats``
reads for a year: the year's events with their enterprise and department links and media reports, the
year's cases with their history. ``year_stats_from_sources`` loads such a copy into a throwaway schema
(tables made LIKE the template's, no foreign keys, so nothing outside it is touched or locked), runs the very
same ``union_year_stats`` there and rolls everything back. Whole rows are kept, so a figure added later that
reads another column of these tables re-derives too; one that reads another table fails loudly in the
re-derivation ("relation does not exist") until that table is added to SOURCES.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django_tenants.utils import schema_context

from tenants.cases.models import Case, CaseTransition
from tenants.events.models import Event, MediaReport
from tenants.events.selectors import event_record_days

from .selectors import union_year_stats


def _events(year: int):
    return Event.objects.filter(Q(held_date__year=year) | Q(planned_date__year=year))


def _cases(year: int):
    return Case.objects.filter(raised_on__year=year)


# (model, rows of the year) for every table union_year_stats reads.
SOURCES = (
    (Event, _events),
    (Event.enterprises.through, lambda year: Event.enterprises.through.objects.filter(event__in=_events(year))),
    (Event.departments.through, lambda year: Event.departments.through.objects.filter(event__in=_events(year))),
    (MediaReport, lambda year: MediaReport.objects.filter(event__in=_events(year))),
    (Case, _cases),
    (CaseTransition, lambda year: CaseTransition.objects.filter(case__in=_cases(year))),
)


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def year_stats_sources(*, year: int) -> dict:
    """What the current union's figures for `year` come from: ``{"tables": {table: [row, …]}, "record_days": n}``
    (rows in key order; the union's days to complete an event's record, a setting kept in its public row)."""
    found = {}
    with connection.cursor() as cursor:
        for model, rows_of in SOURCES:
            table = model._meta.db_table
            ids_sql, params = rows_of(year).values("pk").query.sql_with_params()
            cursor.execute(
                f"SELECT coalesce(json_agg(t ORDER BY t.{_qi(model._meta.pk.column)}), '[]') "
                f"FROM {_qi(table)} t WHERE t.{_qi(model._meta.pk.column)} IN ({ids_sql})",
                params,
            )
            value = cursor.fetchone()[0]
            found[table] = json.loads(value) if isinstance(value, str) else value
    return {"tables": found, "record_days": event_record_days()}


def sources_digest(sources: dict) -> str:
    """SHA-256 of the sources in a canonical spelling (sorted keys, no spaces): the same rows, the same digest."""
    text = json.dumps(sources, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class _Discard(Exception):
    pass


def year_stats_from_sources(*, sources: dict, year: int, today: datetime.date) -> dict:
    """union_year_stats(year, today) computed over `sources` (as year_stats_sources returns them) alone, in a
    throwaway schema rolled back after."""
    schema = f"rederive_{uuid.uuid4().hex[:16]}"
    template = _qi(settings.TENANT_BASE_SCHEMA)
    result: dict = {}
    previous = connection.schema_name
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {_qi(schema)}")
                for table, rows in sources["tables"].items():
                    target = f"{_qi(schema)}.{_qi(table)}"
                    cursor.execute(f"CREATE TABLE {target} (LIKE {template}.{_qi(table)} INCLUDING DEFAULTS)")
                    cursor.execute(
                        f"INSERT INTO {target} SELECT * FROM json_populate_recordset(NULL::{target}, %s)",
                        [json.dumps(rows)],
                    )
            with schema_context(schema):
                result = union_year_stats(year=year, today=today, record_days=sources["record_days"])
            raise _Discard
    except _Discard:
        pass
    finally:
        connection.set_schema(previous)
    return result
