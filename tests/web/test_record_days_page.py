"""The city dashboard's card for the days the counties have to complete a held event's record (a province's
for its cities): shown to every member, set by an administrator; bad input is a Chinese message, nothing saved.
The rules and the API are tested in tests/oversight/rollup/test_record_days.py."""

from __future__ import annotations

from shared.unions.models import Union


def fresh(code: str) -> Union:
    return Union.objects.select_related("parent").get(code=code)


def test_the_dashboard_shows_and_sets_the_days(world, page):
    response = page("tcity-admin", "tcity").get("/city/")
    text = response.content.decode()
    assert response.status_code == 200 and 'id="record-days"' in text and 'action="/city/record-days/"' in text
    assert "7 天" in text
    response = page("tcity-admin", "tcity").post("/city/record-days/", {"days": "14"})
    assert response.status_code == 302 and response["Location"].endswith("/city/#record-days")
    assert fresh("tcounty1").record_days == 14
    text = page("tcity-staff", "tcity").get("/city/").content.decode()
    assert "14 天" in text and 'action="/city/record-days/"' not in text  # staff see it, cannot set it


def test_bad_input_on_the_page_is_a_chinese_message_and_nothing_saved(world, page):
    for bad in ("0", "61", "七"):
        response = page("tcity-admin", "tcity").post("/city/record-days/", {"days": bad})
        assert response.status_code == 400
        text = response.content.decode()
        assert "请输入 1 到 60 之间的天数。" in text or "整数" in text
    assert fresh("tcity").record_days_below is None


def test_the_page_refuses_a_colleague_a_county_and_another_city(world, page):
    assert page("tcity-staff", "tcity").post("/city/record-days/", {"days": "9"}).status_code == 403
    assert page("tcounty1-admin", "tcounty1").post("/city/record-days/", {"days": "9"}).status_code == 403
    assert page("ocity-admin", "tcity").post("/city/record-days/", {"days": "9"}).status_code in (302, 403)
    assert page("tcity-admin", "tcity").get("/city/record-days/").status_code == 405
    assert fresh("tcity").record_days_below is None and fresh("tcounty1").record_days == 7


def test_a_countys_home_page_states_the_days_its_city_set(world, page):
    assert "7 天内完成" in page("tcounty1-staff", "tcounty1").get("/").content.decode()
    page("tcity-admin", "tcity").post("/city/record-days/", {"days": "12"})
    assert "12 天内完成" in page("tcounty1-staff", "tcounty1").get("/").content.decode()
    assert "7 天内完成" in page("ocounty-staff", "ocounty").get("/").content.decode()  # another city's county
