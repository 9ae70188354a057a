"""Event rules at the service level."""

import datetime

import pytest
from django.utils import timezone

from shared.core.exceptions import ApplicationError
from tenants.events.models import Event, EventCounter, EventStatus
from tenants.events.services import (
    event_cancel,
    event_create,
    event_record_held,
    event_tick_preparation,
    event_update,
    media_report_add,
)

from .factories import EnterpriseFactory, EventFactory, department, held_event, topic

ALL_ITEMS = dict.fromkeys(Event.PREPARATION_FIELDS, True)


@pytest.fixture
def county(world, in_union):
    with in_union("tcounty1"):
        yield world.user("tcounty1-staff")


def test_create_takes_consecutive_numbers_and_keeps_departments(county):
    first = event_create(
        actor=county,
        title="关注肾脏病，关爱女职工",
        planned_date=datetime.date(2026, 3, 8),
        venue_kind="enterprise",
        venue_name="某某企业",
        topic=topic("女职工关爱"),
        departments=[department("卫健委"), department("人力社保局").pk],
    )
    second = EventFactory()
    assert second.number == first.number + 1
    assert EventCounter.objects.get(pk=1).last_number == second.number
    assert first.status == EventStatus.PLANNED
    assert sorted(d.name for d in first.departments.all()) == sorted(["卫健委", "人力社保局"])
    assert str(first) == f"第{first.number}期 关注肾脏病，关爱女职工"


def test_create_rejects_missing_title_and_bad_venue(county):
    with pytest.raises(ApplicationError) as error:
        event_create(actor=county, title="  ", planned_date=datetime.date(2026, 1, 1), venue_kind="moon")
    assert set(error.value.fields) == {"title", "venue_kind"}
    assert EventCounter.objects.get(pk=1).last_number == Event.objects.count()  # no number was burnt


def test_create_rejects_unknown_department(county):
    with pytest.raises(ApplicationError) as error:
        EventFactory(departments=[999999])
    assert "departments" in error.value.fields


def test_invited_unions_must_be_of_the_same_city(county, world):
    event = EventFactory(invited_unions=[world.union("tcity"), world.union("tcounty2")])
    assert {u.code for u in event.invited_unions.all()} == {"tcity", "tcounty2"}
    with pytest.raises(ApplicationError) as error:
        EventFactory(invited_unions=[world.union("ocounty")])
    assert "invited_unions" in error.value.fields
    with pytest.raises(ApplicationError):
        EventFactory(invited_unions=[world.union("tcounty1")])  # not itself


def test_preparation_all_ticked_means_prepared_and_back(county):
    event = EventFactory()
    event = event_tick_preparation(event=event, actor=county, items={"prep_laws_studied": True})
    assert event.status == EventStatus.PLANNED
    event = event_tick_preparation(event=event, actor=county, items=ALL_ITEMS)
    assert event.status == EventStatus.PREPARED
    event = event_tick_preparation(event=event, actor=county, items={"prep_causes_analysed": False})
    assert event.status == EventStatus.PLANNED


def test_preparation_rejects_unknown_items_and_finished_events(county):
    event = EventFactory()
    with pytest.raises(ApplicationError) as error:
        event_tick_preparation(event=event, actor=county, items={"prep_bring_cake": True})
    assert "items" in error.value.fields
    held = held_event()
    with pytest.raises(ApplicationError) as error:
        event_tick_preparation(event=held, actor=county, items=ALL_ITEMS)
    assert error.value.code == "invalid_transition"


def test_record_held(county):
    enterprises = EnterpriseFactory.create_batch(3)
    event = EventFactory()
    event = event_record_held(
        event=event,
        actor=county,
        held_date=datetime.date(2026, 3, 16),
        enterprises=enterprises,
        unregistered_enterprise_count=7,
        worker_attendance=230,
        summary="现场解答问题12个",
    )
    event.refresh_from_db()
    assert event.status == EventStatus.HELD
    assert event.held_date == datetime.date(2026, 3, 16)
    assert event.enterprises_reached == 10
    assert event.worker_attendance == 230


def test_held_date_cannot_be_in_the_future(county):
    event = EventFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ApplicationError) as error:
        event_record_held(event=event, actor=county, held_date=tomorrow)
    assert "held_date" in error.value.fields
    event.refresh_from_db()
    assert event.status == EventStatus.PLANNED


@pytest.mark.parametrize("field", ["worker_attendance", "unregistered_enterprise_count"])
def test_counts_cannot_be_negative(county, field):
    event = EventFactory()
    with pytest.raises(ApplicationError) as error:
        event_record_held(event=event, actor=county, held_date=datetime.date(2026, 3, 1), **{field: -1})
    assert field in error.value.fields


def test_cancelled_event_cannot_be_held_nor_changed(county):
    event = event_cancel(event=EventFactory(), actor=county, reason="台风")
    assert event.status == EventStatus.CANCELLED and event.cancel_reason == "台风"
    with pytest.raises(ApplicationError) as error:
        event_record_held(event=event, actor=county, held_date=datetime.date(2026, 3, 1))
    assert error.value.code == "invalid_transition"
    with pytest.raises(ApplicationError) as error:
        event_update(event=event, actor=county, title="新主题")
    assert error.value.code == "invalid_transition"
    with pytest.raises(ApplicationError):
        event_cancel(event=event, actor=county, reason="again")


def test_held_event_cannot_be_cancelled(county):
    event = held_event()
    with pytest.raises(ApplicationError) as error:
        event_cancel(event=event, actor=county, reason="太晚了")
    assert error.value.code == "invalid_transition"
    event.refresh_from_db()
    assert event.status == EventStatus.HELD


def test_cancel_needs_a_reason(county):
    with pytest.raises(ApplicationError) as error:
        event_cancel(event=EventFactory(), actor=county, reason=" ")
    assert "reason" in error.value.fields


def test_update_changes_plan_only(county):
    event = EventFactory()
    event = event_update(
        event=event, actor=county, title="新主题", topic=topic("普法宣传").pk, departments=[department("司法局")]
    )
    assert event.title == "新主题" and event.topic.name == "普法宣传"
    assert [d.name for d in event.departments.all()] == ["司法局"]
    with pytest.raises(ApplicationError) as error:
        event_update(event=event, actor=county, number=99)
    assert error.value.code == "not_editable"


def test_media_reports_only_for_held_events(county):
    with pytest.raises(ApplicationError) as error:
        media_report_add(
            event=EventFactory(), actor=county, outlet="衢州日报", title="x", published_on=datetime.date(2026, 3, 1)
        )
    assert error.value.code == "invalid_transition"
    event = held_event()
    report = media_report_add(
        event=event,
        actor=county,
        outlet="衢州日报",
        title="工情直通车开进园区",
        published_on=datetime.date(2026, 3, 17),
    )
    assert list(event.media_reports.all()) == [report]
    with pytest.raises(ApplicationError) as error:
        media_report_add(event=event, actor=county, outlet="", title="", published_on=None)
    assert set(error.value.fields) == {"outlet", "title", "published_on"}
