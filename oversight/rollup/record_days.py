"""The days to complete a held event's record, set per level by the union above (a city for its counties, a
province for its cities), and the refresh of what they judge: the roll-up rows of the unions below for this
year (their home pages, the city's dashboard and the assessment read those), through the debounced refresh
task, after the commit."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from shared.audit.context import records_actor
from shared.unions.models import Union
from shared.unions.selectors import union_children
from shared.unions.services import union_record_days_below_set

from .tasks import rollup_schedule_refresh


def record_days_governed(*, union: Union) -> list[Union]:
    """The unions directly below `union` whose days are the ones `union` sets (not archived, no exception of
    their own)."""
    return [
        child for child in union_children(union=union) if child.archived_on is None and child.event_record_days is None
    ]


@transaction.atomic
@records_actor
def level_record_days_set(*, union: Union, days: int | None, actor=None) -> list[Union]:
    """Set the days `union` gives the unions below it (1–60, None: the default 7) and, once committed, refresh
    this year's roll-up of every union that follows them. Returns those unions."""
    union = union_record_days_below_set(union=union, days=days)
    governed = record_days_governed(union=union)
    year = timezone.localdate().year
    for child in governed:
        transaction.on_commit(partial(rollup_schedule_refresh, schema_name=child.schema_name, year=year), robust=True)
    return governed
