"""Issue 12, item 3: a county reads its own published assessment result on a page, and nothing else."""

import pytest

from tests.conftest import host
from tests.oversight.assessment.helpers import STRONG, roll_up

YEAR = 2024


@pytest.fixture
def published(world, page, rollup_as_written):
    roll_up(world.union("tcounty1"), year=YEAR, **STRONG)
    roll_up(world.union("tcounty2"), year=YEAR, **(STRONG | {"events_held": 4, "cases_overdue": 2}))
    admin = page("tcity-admin", "tcity")
    for union, points, reason in (("tcounty1", "2", "承办全市示范活动 <现场会>"), ("tcounty2", "-1", "材料迟报")):
        response = admin.post(
            f"/city/assessment/adjustments/?year={YEAR}", {"union": union, "points": points, "reason": reason}
        )
        assert response.status_code == 302
    assert admin.post(f"/city/assessment/publish/?year={YEAR}").status_code == 302


def test_a_county_reads_its_score_rank_items_and_adjustments(page, published):
    content = page("tcounty1-viewer", "tcounty1").get(f"/assessment/?year={YEAR}").content.decode()
    assert '<b data-figure="total">89.5</b>' in content  # 87.5 + 2
    assert '<b data-figure="rank">2 / 2</b>' in content  # tcounty2 held one more event
    assert "问题现场解决率" in content and "现场解决率: 60%" in content and "15 / 20" in content
    assert "承办全市示范活动 &lt;现场会&gt;" in content  # the reason, escaped
    assert "材料迟报" not in content and "测试二县总工会" not in content  # nothing of the other county
    assert "未完成年度活动指标（不予评先）：年度活动指标完成率 为 75%（规则：&lt; 100%）" in content  # 3 of 4 held


def test_the_other_county_sees_its_own_line_and_why_it_is_not_eligible(page, published):
    content = page("tcounty2-staff", "tcounty2").get(f"/assessment/?year={YEAR}").content.decode()
    assert '<b data-figure="rank">1 / 2</b>' in content and "材料迟报" in content
    assert "交办问题逾期未办结数 为 2（规则：≥ 1）" in content
    assert "承办全市示范活动" not in content


def test_before_publication_the_page_says_so(page, world):
    roll_up(world.union("tcounty1"), year=YEAR, **STRONG)
    content = page("tcounty1-staff", "tcounty1").get(f"/assessment/?year={YEAR}").content.decode()
    assert 'data-state="unpublished"' in content and "data-figure" not in content


def test_a_reopened_result_is_no_longer_shown(page, published):
    admin = page("tcity-admin", "tcity")
    assert admin.post(f"/city/assessment/reopen/?year={YEAR}", {"reason": "数据更正"}).status_code == 302
    content = page("tcounty1-staff", "tcounty1").get(f"/assessment/?year={YEAR}").content.decode()
    assert 'data-state="unpublished"' in content


@pytest.mark.parametrize(
    "username, own_code",
    [
        ("tcounty2-admin", "tcounty2"),  # another county's admin, Host header forged to tcounty1
        ("ocity-admin", "ocity"),  # another city's admin, Host header forged
        ("stranger", "tcounty1"),  # an account with no membership
    ],
)
def test_others_are_refused(page, published, username, own_code):
    client = page(username, own_code)
    response = client.get(f"/assessment/?year={YEAR}", HTTP_HOST=host("tcounty1"))
    assert response.status_code == 403 and "89.5" not in response.content.decode()


def test_the_city_host_goes_to_the_city_assessment(page, published):
    response = page("tcity-staff", "tcity").get("/assessment/")
    assert response.status_code == 302 and response["Location"] == "/city/assessment/"


def test_the_county_menu_links_the_page(page):
    assert 'href="/assessment/"' in page("tcounty1-staff", "tcounty1").get("/").content.decode()
