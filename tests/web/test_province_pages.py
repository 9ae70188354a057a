"""Province pages: the dashboard (the city's page, generalised) and the drill-down into any union below;
everyone else refused, forged Host included. World: tests/conftest.py."""

from __future__ import annotations

import datetime
import re

import pytest

from shared.unions.archiving import union_archive
from tests.oversight.rollup.helpers import PROVINCE_BELOW, Y, province_figures

pytestmark = pytest.mark.usefixtures("province_world")


@pytest.fixture
def figures(world):
    province_figures(world)


# --- pages -----------------------------------------------------------------------------------------


def test_province_dashboard_shows_every_union_below_and_both_rankings(page, figures):
    response = page("tprov-staff", "tprov").get(f"/city/?year={Y}")
    assert response.status_code == 200
    content = response.content.decode()
    assert "浙江" not in content  # nothing of the demo leaks in
    for code in PROVINCE_BELOW:
        assert f'data-union="{code}"' in content
    assert "测试市总工会" not in content and "他省一市总工会" not in content
    assert "全省看板" in content
    cities = content[content.index('data-ranking="cities"') : content.index('data-ranking="counties"')]
    assert cities.index('data-union="pcity"') < cities.index('data-union="qcity"')
    counties = content[content.index('data-ranking="counties"') :]
    assert counties.index('data-union="qcounty"') < counties.index('data-union="pcounty1"')
    assert 'data-total="events_held"><b>20</b>' in content  # 0 + 5 + 5 + 4 + 6
    by_attendance = page("tprov-staff", "tprov").get(f"/city/?year={Y}&by=worker_attendance").content.decode()
    cities = by_attendance[
        by_attendance.index('data-ranking="cities"') : by_attendance.index('data-ranking="counties"')
    ]
    assert ">600<" in cities and ">550<" in cities  # a city's attendances include its counties'
    bad = page("tprov-staff", "tprov").get(f"/city/?year={Y}&by=nonsense")
    assert bad.status_code == 200 and "按以下指标之一排名" in bad.content.decode()


def test_province_drill_down_pages_reach_any_union_below_and_nothing_else(page, make_event):
    make_event("pcounty2", title="甲市二县的活动", held=True)
    client = page("tprov-admin", "tprov")
    assert client.get("/city/unions/pcity/").status_code == 200
    response = client.get("/city/unions/pcounty2/events/")
    assert response.status_code == 200 and "甲市二县的活动" in response.content.decode()
    for outside in ("tcounty1", "oprovcity", "tcity"):
        assert client.get(f"/city/unions/{outside}/").status_code == 404


def test_drill_down_shows_the_unions_own_progress_as_the_dashboard_does(page, world, figures):
    client = page("tprov-staff", "tprov")
    dashboard = client.get(f"/city/?year={Y}").content.decode()
    for code, held in (("pcounty1", 5), ("qcity", 4)):
        row = dashboard[dashboard.index(f'data-union="{code}"') :]
        shown = re.search(r"已举办 (\d+) / \d+ 期", row)
        assert int(shown[1]) == held
        drill = client.get(f"/city/unions/{code}/?year={Y}").content.decode()
        assert re.findall(r"已举办 \d+ / \d+ 期", drill) == [shown[0]]
    union_archive(union=world.union("pcounty2"), today=datetime.date(Y, 3, 1))
    archived = client.get(f"/city/unions/pcounty2/?year={Y + 1}")  # still shown, no longer counted
    assert archived.status_code == 200 and "已举办" not in archived.content.decode()


@pytest.mark.parametrize(
    "username, own, called",
    [
        ("oprov-admin", "oprov", "tprov"),  # another province's admin with a forged Host header
        ("pcity-admin", "pcity", "tprov"),  # the province's own city
        ("tcity-admin", "tcity", "tprov"),
    ],
)
def test_province_pages_refuse_everyone_else(page, username, own, called):
    client = page(username, own)
    for path in ("/city/", "/city/unions/pcounty1/", "/city/unions/pcounty1/events/"):
        assert client.get(path, HTTP_HOST=f"{called}.localhost").status_code == 403, path


def test_province_has_no_city_assessment_but_its_dashboard_in_the_menu(page):
    client = page("tprov-admin", "tprov")
    assert client.get("/city/assessment/").status_code == 403
    home = client.get("/").content.decode()
    assert "全省看板" in home and "/city/assessment/" not in home
