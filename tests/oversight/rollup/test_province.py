"""The province level: a province sees its cities and their counties through the same roll-up (compliance,
rankings, drill-down), never another province's unions or a city outside it; create_union keeps the tree
county → city → province.

World (tests/conftest.py's province_world): tprov ── pcity ── pcounty1, pcounty2; tprov ── qcity ── qcounty;
oprov ── oprovcity; tcity and ocity belong to no province.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django_tenants.utils import schema_exists

from oversight.rollup.models import QuotaRule
from oversight.rollup.selectors import compliance_for_city, rankings_for_province
from oversight.rollup.services import rollup_refresh
from shared.core.exceptions import ApplicationError
from shared.unions.models import Domain, Union
from shared.unions.selectors import union_below, union_below_get
from shared.unions.services import union_create
from tests.oversight.rollup.helpers import PROVINCE_BELOW, Y, province_figures

pytestmark = pytest.mark.usefixtures("province_world")


@pytest.fixture
def figures(world):
    province_figures(world)


def _ranks(rows):
    return [
        (row["union"]["code"] if isinstance(row["union"], dict) else row["union"].code, row["rank"]) for row in rows
    ]


# --- the tree and who sees what ----------------------------------------------------------------------


def test_a_province_sees_its_cities_and_their_counties_only(world):
    assert [u.code for u in union_below(union=world.union("tprov"))] == PROVINCE_BELOW
    assert [u.code for u in union_below(union=world.union("oprov"))] == ["oprovcity"]
    for outside in ("tcity", "tcounty1", "ocounty", "oprov", "oprovcity", "tprov"):
        assert union_below_get(union=world.union("tprov"), code=outside) is None
    assert union_below_get(union=world.union("tprov"), code="qcounty") == world.union("qcounty")


def test_a_city_under_a_province_keeps_seeing_its_own_counties_only(world):
    assert [u.code for u in union_below(union=world.union("pcity"))] == ["pcounty1", "pcounty2"]
    assert [u.code for u in union_below(union=world.union("tcity"))] == ["tcounty1", "tcounty2"]
    assert union_below_get(union=world.union("pcity"), code="qcounty") is None
    assert not union_below(union=world.union("pcounty1")).exists()


# --- create_union: the tree is validated, errors in Chinese, nothing created --------------------------


def _counts():
    return Union.objects.count(), Domain.objects.count()


@pytest.mark.parametrize(
    "level, parent, region, field, chinese",
    [
        ("province", "tcity", "330000", "parent", "省总工会没有上级工会"),
        ("province", "tprov", "330000", "parent", "省总工会没有上级工会"),
        ("city", "tcity", "339700", "parent", "市总工会的上级只能是省总工会"),
        ("city", "pcounty1", "320300", "parent", "市总工会的上级只能是省总工会"),
        ("county", "tprov", "320103", "parent", "县级工会必须隶属于一个市总工会"),
        ("city", "tprov", "330300", "region", "不在上级工会的区划"),  # a Zhejiang city under a Jiangsu province
        ("state", None, "330000", "level", "级别只能是"),
    ],
)
def test_create_union_refuses_a_wrong_tree_in_chinese_and_creates_nothing(world, level, parent, region, field, chinese):
    before = _counts()
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as raised:
        union_create(
            code="newunion", name="新工会", level=level, parent_code=parent, region_code=region, domain="new.localhost"
        )
        pytest.fail("created")
    with translation.override("zh-hans"):
        reasons = " ".join(str(reason) for reason in raised.value.fields[field])
    assert chinese in reasons, reasons
    assert _counts() == before and not schema_exists("newunion")


def test_create_union_command_makes_a_province_and_a_city_under_it(world):
    call_command(
        "create_union", "--code", "newprov", "--name", "新省总工会", "--level", "province", "--region", "350000",
        "--domain", "newprov.localhost",
    )  # fmt: skip
    call_command(
        "create_union", "--code", "newprovcity", "--name", "新省一市总工会", "--level", "city", "--parent", "newprov",
        "--region", "350100", "--domain", "newprovcity.localhost",
    )  # fmt: skip
    province = Union.objects.get(code="newprov")
    assert province.is_province and province.parent is None and schema_exists("newprov")
    assert [u.code for u in union_below(union=province)] == ["newprovcity"]


def test_create_union_command_refuses_a_province_with_a_parent(world):
    before = _counts()
    with translation.override("zh-hans"), pytest.raises(CommandError, match="省总工会没有上级工会"):
        call_command(
            "create_union", "--code", "badprov", "--name", "坏省", "--level", "province", "--parent", "tprov",
            "--region", "320000", "--domain", "badprov.localhost",
        )  # fmt: skip
    assert _counts() == before and not schema_exists("badprov")


# --- roll-up: compliance and rankings ----------------------------------------------------------------


def test_province_compliance_lists_every_union_below_with_its_levels_quota(world, figures):
    rows = compliance_for_city(city=world.union("tprov"), year=Y, today=datetime.date(Y + 1, 1, 10))
    assert [(r["union"].code, r["quota"], r["events_held"], r["pace"]) for r in rows] == [
        ("pcity", 0, 0, "done"),
        ("pcounty1", 4, 5, "done"),
        ("pcounty2", 4, 5, "done"),
        ("qcity", 0, 4, "done"),
        ("qcounty", 4, 6, "done"),
    ]


def test_province_rankings_by_hand(world, figures):
    """Cities: own figures plus their counties' (pcity 0+5+5 = 10, qcity 4+6 = 10: a tie shares rank 1);
    counties province-wide (qcounty 6, then pcounty1 and pcounty2 tied at 5: 1, 2, 2)."""
    result = rankings_for_province(province=world.union("tprov"), year=Y)
    assert result["by"] == "events_held"
    assert _ranks(result["cities"]) == [("pcity", 1), ("qcity", 1)]
    assert [(r["events_held"], r["quota"], r["counties"]) for r in result["cities"]] == [(10, 8, 2), (10, 4, 1)]
    assert _ranks(result["counties"]) == [("qcounty", 1), ("pcounty1", 2), ("pcounty2", 2)]

    by_attendance = rankings_for_province(province=world.union("tprov"), year=Y, by="worker_attendance")
    assert _ranks(by_attendance["cities"]) == [("pcity", 1), ("qcity", 2)]  # 600 vs 550
    assert [r["worker_attendance"] for r in by_attendance["cities"]] == [600, 550]
    by_solved = rankings_for_province(province=world.union("tprov"), year=Y, by="cases_solved_on_site")
    assert _ranks(by_solved["counties"]) == [("qcounty", 1), ("pcounty1", 2), ("pcounty2", 3)]
    assert [r["cases_solved_on_site"] for r in by_solved["cities"]] == [19, 16]


def test_province_rankings_use_the_quota_rule_of_each_level(world, figures):
    QuotaRule.objects.create(year=Y, level="city", min_events_held=2)
    QuotaRule.objects.create(year=Y, level="county", min_events_held=5)
    result = rankings_for_province(province=world.union("tprov"), year=Y)
    assert {r["union"].code: r["quota"] for r in result["cities"]} == {"pcity": 2 + 5 + 5, "qcity": 2 + 5}
    assert {r["quota"] for r in result["counties"]} == {5}
    rows = compliance_for_city(city=world.union("tprov"), year=Y, today=datetime.date(Y + 1, 1, 10))
    assert {r["union"].code: r["quota"] for r in rows}["pcity"] == 2


def test_province_rankings_refuse_an_unknown_figure(world):
    with pytest.raises(ApplicationError) as raised:
        rankings_for_province(province=world.union("tprov"), year=Y, by="score; drop table")
    assert "by" in raised.value.fields


def test_a_countys_event_reaches_the_province_through_the_roll_up(world, in_union):
    from tests.clock import held_lately
    from tests.oversight.rollup.helpers import held_event

    year = timezone.localdate().year
    with in_union("pcounty2"):
        held_event(held_date=held_lately(), attendance=77)
    rollup_refresh(union=world.union("pcounty2"), year=year)
    result = rankings_for_province(province=world.union("tprov"), year=year, by="worker_attendance")
    assert result["cities"][0]["union"].code == "pcity" and result["cities"][0]["worker_attendance"] == 77
    assert result["counties"][0]["union"].code == "pcounty2" and result["counties"][0]["events_held"] == 1


# --- API -------------------------------------------------------------------------------------------


def test_province_api_compliance_rankings_and_drill_down(api, world, figures, in_union):
    client = api("tprov-viewer", "tprov")
    compliance = client.get(f"/api/v1/city/compliance/?year={Y}")
    assert compliance.status_code == 200
    assert [row["union"]["code"] for row in compliance.json()["results"]] == PROVINCE_BELOW

    rankings = client.get(f"/api/v1/province/rankings/?year={Y}&by=worker_attendance")
    assert rankings.status_code == 200, rankings.content
    body = rankings.json()
    assert body["year"] == Y and body["by"] == "worker_attendance"
    assert _ranks(body["cities"]) == [("pcity", 1), ("qcity", 2)]
    assert _ranks(body["counties"]) == [("qcounty", 1), ("pcounty1", 2), ("pcounty2", 3)]

    from tests.oversight.rollup.helpers import held_event

    with in_union("qcounty"):
        held_event(held_date=datetime.date(Y, 5, 1), title="乙市一县的活动")
    events = client.get("/api/v1/city/unions/qcounty/events/")
    assert events.status_code == 200 and [e["title"] for e in events.json()["results"]] == ["乙市一县的活动"]
    assert client.get("/api/v1/city/unions/pcity/cases/").status_code == 200


def test_province_api_bad_figure_is_a_400_with_the_field(api):
    response = api("tprov-admin", "tprov").get("/api/v1/province/rankings/?by=nonsense")
    assert response.status_code == 400 and "by" in response.json()["error"]["fields"]


@pytest.mark.parametrize("code", ["tcounty1", "tcity", "oprovcity", "ocounty", "tprov", "oprov"])
def test_province_api_drill_down_outside_the_province_is_a_404(api, code):
    assert api("tprov-admin", "tprov").get(f"/api/v1/city/unions/{code}/events/").status_code == 404


@pytest.mark.parametrize(
    "username, called",
    [
        ("oprov-admin", "tprov"),  # another province's admin, forged Host
        ("pcity-admin", "tprov"),  # a city of the province on the province's host
        ("pcounty1-admin", "tprov"),
        ("tcity-admin", "tprov"),  # a city outside it
        ("tprov-admin", "pcity"),  # the province's token on a city's host: membership there counts, not above
        ("pcity-admin", "pcity"),  # a city has no province rankings
    ],
)
def test_province_api_refuses_everyone_else(api, username, called):
    client = api(username, called)
    assert client.get("/api/v1/province/rankings/").status_code == 403
    if called == "tprov":
        assert client.get("/api/v1/city/compliance/").status_code == 403
        assert client.get("/api/v1/city/unions/pcounty1/events/").status_code == 403


def test_province_api_anonymous_is_refused(api):
    assert api(None, "tprov").get("/api/v1/province/rankings/").status_code in (401, 403)


def test_a_city_under_a_province_keeps_its_own_api(api, figures):
    client = api("pcity-admin", "pcity")
    body = client.get(f"/api/v1/city/compliance/?year={Y}").json()
    assert [row["union"]["code"] for row in body["results"]] == ["pcounty1", "pcounty2"]
    assert client.get("/api/v1/city/unions/qcounty/events/").status_code == 404


@pytest.mark.parametrize(("overseer", "below"), [("tprov", True), ("tprov", False), ("pcity", True), ("tcity", False)])
def test_unions_with_year_stats_is_the_orm_in_one_statement(world, figures, overseer, below):
    """The one-statement read of the unions below (or the children) with their roll-up rows gives the same
    unions in the same order as union_below / union_children, archived ones included, and the same rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oversight.rollup.models import UnionYearStats
    from oversight.rollup.selectors import unions_with_year_stats
    from shared.unions.selectors import union_children

    union = world.union(overseer)
    Union.objects.filter(code="pcounty2").update(archived_on=datetime.date(Y, 6, 1))
    UnionYearStats.objects.filter(union__code="qcounty", year=Y).delete()  # not rolled up yet
    with CaptureQueriesContext(connection) as queries:
        pairs = unions_with_year_stats(union=union, year=Y, below=below)
    assert len(queries) == 1
    expected = list(union_below(union=union) if below else union_children(union=union))
    assert [u.code for u, _stats in pairs] == [u.code for u in expected]
    assert [(u.pk, u.level, u.parent_id, u.archived_on) for u, _s in pairs] == [
        (u.pk, u.level, u.parent_id, u.archived_on) for u in expected
    ]
    rows = {row.union_id: row for row in UnionYearStats.objects.filter(year=Y)}
    for union, stats in pairs:
        if union.pk not in rows:
            assert stats is None
            continue
        assert stats == rows[union.pk].as_stats() | {"computed_at": rows[union.pk].computed_at}
        assert isinstance(stats["events_held_by_month"], list) and isinstance(
            stats["cases_overdue_by_department"], dict
        )
    if overseer == "tprov" and below:
        assert any(stats is None for u, stats in pairs if u.code == "qcounty")


def test_the_unions_read_with_their_figures_are_what_the_orm_loads(world, figures):
    """The unions of unions_with_year_stats are built without Model.__init__'s pass over the fields: the same
    values, state and behaviour as the ORM's; a pre_init/post_init listener gets the ORM's own path."""
    from django.db.models.signals import post_init

    from oversight.rollup.selectors import unions_with_year_stats

    def loaded(union):
        return {field.attname: getattr(union, field.attname) for field in Union._meta.concrete_fields}

    pairs = unions_with_year_stats(union=world.union("tprov"), year=Y)
    for union, _stats in pairs:
        fresh = Union.objects.get(pk=union.pk)
        assert loaded(union) == loaded(fresh) and union == fresh
        assert (union._state.adding, union._state.db) == (False, "default")
        assert union.parent.code == fresh.parent.code and union.record_days == fresh.record_days
    union = next(union for union, _stats in pairs if union.code == "qcounty")
    union.escalation_days = 9
    union.save(update_fields=["escalation_days"])  # an update, as of a loaded union
    assert Union.objects.get(code="qcounty").escalation_days == 9

    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance.code)

    post_init.connect(listener, sender=Union)
    try:
        pairs = unions_with_year_stats(union=world.union("tprov"), year=Y)
    finally:
        post_init.disconnect(listener, sender=Union)
    assert heard == [union.code for union, _stats in pairs]
