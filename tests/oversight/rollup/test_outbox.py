"""The roll-up outbox (PendingRefresh): refreshes that could not be enqueued wait in the public schema and the
beat task `rollup.drain_pending` refreshes and deletes them — once each, per union, tolerant of failures and of
removed unions."""

from __future__ import annotations

from django.conf import settings
from django.db.models import CASCADE

from oversight.rollup import services
from oversight.rollup.models import PendingRefresh, UnionYearStats
from oversight.rollup.services import rollup_pending_add, rollup_pending_drain
from oversight.rollup.tasks import rollup_drain_pending_task
from tests.tenants.events.factories import held_event

YEAR = 2025


def test_a_union_and_year_is_kept_once_however_many_changes_wait(world):
    county = world.union("tcounty1")
    for _change in range(3):
        rollup_pending_add(union_id=county.pk, year=YEAR)
    rollup_pending_add(union_id=county.pk, year=YEAR - 1)
    assert sorted(PendingRefresh.objects.filter(union=county).values_list("year", flat=True)) == [YEAR - 1, YEAR]


def test_the_drain_refreshes_each_unions_own_row_and_empties_the_outbox(world, in_union):
    with in_union("tcounty1"):
        event = held_event()
    year = event.held_date.year
    untouched = list(UnionYearStats.objects.filter(union=world.union("tcounty2")).values_list("year", "computed_at"))
    rollup_pending_add(union_id=world.union("tcounty1").pk, year=year)
    rollup_pending_add(union_id=world.union("ocounty").pk, year=year)
    assert rollup_pending_drain() == 2
    assert not PendingRefresh.objects.exists()
    assert UnionYearStats.objects.get(union=world.union("tcounty1"), year=year).events_held >= 1
    # The other city's county got its own figures, never tcounty1's.
    assert UnionYearStats.objects.get(union=world.union("ocounty"), year=year).events_held == 0
    # A union without a pending row is left alone.
    assert list(UnionYearStats.objects.filter(union=world.union("tcounty2")).values_list("year", "computed_at")) == (
        untouched
    )


def test_a_failed_refresh_keeps_its_row_for_the_next_run_and_the_others_go_on(world, monkeypatch):
    real = services.rollup_refresh
    broken = world.union("tcounty2")

    def refresh(*, union, year):
        if union.pk == broken.pk:
            raise RuntimeError("schema unreadable")
        return real(union=union, year=year)

    monkeypatch.setattr(services, "rollup_refresh", refresh)
    rollup_pending_add(union_id=broken.pk, year=YEAR)
    rollup_pending_add(union_id=world.union("tcounty1").pk, year=YEAR)
    assert rollup_pending_drain() == 1
    assert list(PendingRefresh.objects.values_list("union_id", flat=True)) == [broken.pk]
    monkeypatch.setattr(services, "rollup_refresh", real)
    assert rollup_drain_pending_task() == 1 and not PendingRefresh.objects.exists()


def test_a_removed_union_takes_its_pending_rows_along(world):
    assert PendingRefresh._meta.get_field("union").remote_field.on_delete is CASCADE
    county = world.union("ocounty")
    rollup_pending_add(union_id=county.pk, year=YEAR)
    PendingRefresh.objects.filter(union=county).delete()  # as the cascade does, between the listing and the lock
    assert rollup_pending_drain() == 0


def test_the_beat_drains_the_outbox_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["rollup-drain-pending"]
    assert entry["task"] == "rollup.drain_pending"
    assert entry["schedule"].minute == set(range(60)) and entry["schedule"].hour == set(range(24))
