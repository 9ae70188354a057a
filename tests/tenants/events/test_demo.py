"""The demo history: shaped like the programme's account, consistent with the rules, deterministic, idempotent."""

import datetime
import itertools
import time

import pytest
from django.db.models import Count, Sum

from tenants.cases.models import Case, CaseKind, CaseStatus, CaseTransition, DisputeDetail
from tenants.cases.selectors import case_list
from tenants.enterprises.models import Enterprise
from tenants.enterprises.validators import credit_code_is_valid
from tenants.events.demo import OUTLETS, demo_history_load
from tenants.events.models import Event, EventCounter, EventStatus, MediaReport
from tenants.stats.selectors import union_year_stats

TODAY = datetime.date(2026, 11, 20)
MID_2019 = datetime.date(2019, 6, 30)


@pytest.fixture
def city(world, in_union):
    union = world.union("tcity")
    started = time.perf_counter()
    result = demo_history_load(union=union, seed=7, today=TODAY)
    print(f"\ndemo history for a city: {result} in {time.perf_counter() - started:.2f}s")
    with in_union("tcity"):
        yield result


def _signature():
    events = list(Event.objects.order_by("number").values_list("number", "title", "planned_date", "worker_attendance"))
    cases = list(Case.objects.order_by("raised_on", "title", "status").values_list("title", "status", "raised_on"))
    return events, cases


def test_city_matches_the_accounts_figures_by_mid_2019(city):
    held = Event.objects.filter(status=EventStatus.HELD, held_date__lte=MID_2019)
    assert held.count() == 27
    figures = held.aggregate(attendance=Sum("worker_attendance"), unregistered=Sum("unregistered_enterprise_count"))
    linked = Event.enterprises.through.objects.filter(event__in=held).count()
    assert figures["attendance"] >= 10_000
    assert linked + figures["unregistered"] >= 2_000
    solved = Case.objects.filter(event__in=held, status=CaseStatus.SOLVED_ON_SITE).count()
    assert solved >= 360


def test_city_contains_the_accounts_examples(city):
    def one(**lookup):
        event = Event.objects.get(**lookup)
        assert event.status == EventStatus.HELD
        return event

    water = one(planned_date__year=2017, planned_date__month=7)
    assert "大家谈" in water.title and water.topic.name == "生态环保(五水共治)"
    kidney = one(title="关注肾脏病，关爱女职工")
    assert kidney.planned_date == datetime.date(2018, 3, 8)
    assert "卫健委" in {d.name for d in kidney.departments.all()}
    court = one(venue_name="柯城区人民法院", planned_date=datetime.date(2018, 12, 13))
    assert court.venue_kind == "court" and court.cases.filter(kind=CaseKind.DISPUTE).exists()
    assert Event.objects.filter(title__contains="10万职工安康行").count() >= 2
    mediation = one(title="劳动争议化解在基层", planned_date=datetime.date(2018, 8, 23))
    assert mediation.venue_name.startswith("龙游县")
    agreed = DisputeDetail.objects.get(case__event=mediation)
    assert agreed.case.status == CaseStatus.SOLVED_ON_SITE and agreed.agreed_amount <= agreed.claimed_amount
    # A city demonstration event invites its counties.
    assert {u.code for u in water.invited_unions.all()} == {"tcounty1", "tcounty2"}


def test_city_history_is_consistent(city):
    numbers = list(Event.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert EventCounter.objects.get(pk=1).last_number == len(numbers)
    assert Event.objects.filter(status=EventStatus.CANCELLED).exclude(cancel_reason="").exists()
    upcoming = Event.objects.filter(planned_date__gt=TODAY)
    assert upcoming.exists() and not upcoming.filter(status=EventStatus.HELD).exists()
    assert not Event.objects.filter(held_date__gt=TODAY).exists()
    assert set(MediaReport.objects.values_list("outlet", flat=True)) == set(OUTLETS)
    assert not MediaReport.objects.filter(published_on__gt=TODAY).exists()
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(codes) >= 500 and all(credit_code_is_valid(code) for code in codes)
    assert len(set(codes)) == len(codes)

    assert set(Case.objects.values_list("kind", flat=True)) == set(CaseKind.values)
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(Case.objects.values_list("source", flat=True)) == {"event", "qr", "survey", "hotline"}
    assert case_list(filters={"overdue": "true"}, today=TODAY).exists()
    assert Case.objects.filter(satisfaction__isnull=False).exists()
    assert not Case.objects.filter(raised_on__gt=TODAY).exists()
    assert CaseTransition.objects.filter(to_status=CaseStatus.RAISED, from_status=CaseStatus.RESOLVED).exists()
    # Each case's history starts with the raise and ends in its current status, in time order.
    for case in Case.objects.prefetch_related("transitions"):
        steps = list(case.transitions.all())
        assert steps[0].from_status == "" and steps[0].to_status == CaseStatus.RAISED
        assert steps[-1].to_status == case.status
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(steps))
        assert [s.at for s in steps] == sorted(s.at for s in steps)
        assert steps[0].at.date() == case.raised_on
    stats = union_year_stats(year=2018, today=TODAY)
    assert stats["events_held"] == 11 and stats["media_reports"] >= 4 and stats["cases_referred"] > 0


def test_idempotent_and_deterministic(city, world):
    before = _signature()
    assert demo_history_load(union=world.union("tcity"), seed=7, today=TODAY) == {"skipped": True}
    assert _signature() == before
    Case.objects.all().delete()
    Event.objects.all().delete()
    Enterprise.objects.all().delete()
    demo_history_load(union=world.union("tcity"), seed=7, today=TODAY)
    assert _signature() == before


def test_county_from_2018_at_least_four_a_year(world, in_union):
    result = demo_history_load(union=world.union("tcounty1"), seed=7, today=TODAY)
    assert not result["skipped"]
    assert result["liaisons"] == 4  # the busiest departments have someone to receive referred cases
    with in_union("tcounty1"):
        held = dict(
            Event.objects.filter(status=EventStatus.HELD)
            .values_list("held_date__year")
            .annotate(n=Count("id"))
            .values_list("held_date__year", "n")
        )
        assert 1 <= held[2017] <= 2
        assert all(4 <= held[year] <= 6 for year in range(2018, 2026)), held
        assert Case.objects.count() > 100
        assert not Event.objects.filter(invited_unions__isnull=False).exists()


def test_demo_provision_loads_every_demo_union(world):
    """`make demo`'s path: the eleven demo unions (the province, two cities, eight counties) get their history (rolled back after the test). Prints the time."""
    from django_tenants.utils import schema_context

    from demo.provision import demo_provision

    started = time.perf_counter()
    unions = demo_provision()
    elapsed = time.perf_counter() - started
    held = {}
    for union in unions:
        with schema_context(union.schema_name):
            held[union.code] = Event.objects.filter(status=EventStatus.HELD).count()
    print(f"\ndemo_provision with history for {len(unions)} unions: {elapsed:.1f}s; held events {held}")
    assert [u.code for u in unions if u.is_province] == ["zhejiang"] and held.pop("zhejiang") == 0
    assert len(unions) == 11 and all(n > 0 for n in held.values())
    assert {u.code: u.parent.code for u in unions if u.is_city} == {"quzhou": "zhejiang", "lishui": "zhejiang"}
    counties = {u.code for u in unions if u.level == "county"}
    assert held["quzhou"] > max(n for code, n in held.items() if code in counties)
    with schema_context(unions[0].schema_name):
        assert Event.objects.filter(title="关注肾脏病，关爱女职工").exists()
    lishui = next(u for u in unions if u.code == "lishui")
    with schema_context(lishui.schema_name):  # the seed account's events are 衢州's own
        assert not Event.objects.filter(title="关注肾脏病，关爱女职工").exists()


def test_most_demo_counties_have_no_overdue_case_so_they_pass_the_veto(world, in_union):
    """An overdue referred case makes a county 不予评先; the demo gives one only to the counties named for it."""
    from tenants.events.demo import OVERDUE_COUNTIES

    county = world.union("tcounty1")
    assert county.code not in OVERDUE_COUNTIES
    demo_history_load(union=county, seed=7, today=TODAY)
    with in_union("tcounty1"):
        assert Case.objects.filter(department__isnull=False).exists()
        assert not case_list(filters={"overdue": "true"}, today=TODAY).exists()


def test_most_demo_event_records_are_complete_on_time_and_a_few_late(city):
    from tenants.events.selectors import LATE, ON_TIME, event_record_missing_parts, event_record_timeliness

    held = list(Event.objects.filter(status=EventStatus.HELD, held_date__lte=TODAY - datetime.timedelta(days=30)))
    kinds = [
        event_record_timeliness(held_date=e.held_date, completed_on=e.record_completed_on, days=7, today=TODAY)
        for e in held
    ]
    assert kinds.count(ON_TIME) > len(held) * 0.7 and kinds.count(LATE) >= 1
    for event in held:  # a stamped record is complete, and never stamped before the event or after today
        if event.record_completed_on is not None:
            assert event_record_missing_parts(event=event) == []
            assert event.held_date <= event.record_completed_on <= TODAY
