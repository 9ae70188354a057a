"""Issue 12, item 2: the city's drill-down opens a county's events and cases read-only, with the county
lists' filters; only for the city's own counties."""

import re

import pytest
from django.utils import timezone

from tests.conftest import host


@pytest.fixture
def county_records(make_event, make_case):
    held = make_event("tcounty1", title="一区已举办的活动", held=True)
    planned = make_event("tcounty1", title="一区计划中的活动")
    case = make_case(
        "tcounty1",
        title="一区的欠薪问题",
        submitter_name="张三丰",
        submitter_phone="13811112222",
        event=held,
        source="event",
        raised_on=held.held_date,
    )
    other = make_case("tcounty1", title="一区的咨询", kind="consultation")
    return {"held": held, "planned": planned, "case": case, "other": other}


def test_the_county_page_links_each_event_and_case_read_only(page, county_records):
    year = timezone.localdate().year
    content = page("tcity-viewer", "tcity").get(f"/city/unions/tcounty1/?year={year}").content.decode()
    assert f'href="/city/unions/tcounty1/events/{county_records["held"].pk}/"' in content
    assert f'href="/city/unions/tcounty1/cases/{county_records["case"].pk}/"' in content
    assert not re.search(r'href="/(cases|events)/\d+/', content)  # never into the county's own (writable) pages


def test_lists_take_the_county_lists_filters(page, county_records):
    client = page("tcity-staff", "tcity")
    events = client.get("/city/unions/tcounty1/events/?status=held").content.decode()
    assert "一区已举办的活动" in events and "一区计划中的活动" not in events
    assert 'name="status"' in events and 'name="date_from"' in events
    cases = client.get("/city/unions/tcounty1/cases/?kind=consultation").content.decode()
    assert "一区的咨询" in cases and "一区的欠薪问题" not in cases
    bad = client.get("/city/unions/tcounty1/cases/?date_from=not-a-date")
    assert bad.status_code == 200  # a bad filter is a message, never a 500


def test_an_event_and_a_case_open_read_only_with_contact_masked(page, county_records):
    client = page("tcity-admin", "tcity")
    event = client.get(f"/city/unions/tcounty1/events/{county_records['held'].pk}/").content.decode()
    assert "一区已举办的活动" in event and "一区的欠薪问题" in event
    assert '<form method="post"' not in event.split("<main>")[1]
    case = client.get(f"/city/unions/tcounty1/cases/{county_records['case'].pk}/").content.decode()
    assert "一区的欠薪问题" in case and "138****2222" in case and "13811112222" not in case
    assert "张三丰" not in case and "已提出" in case  # the history, read from the county's schema
    assert '<form method="post"' not in case.split("<main>")[1]
    assert client.get("/city/unions/tcounty1/cases/999999/").status_code == 404
    assert client.get("/city/unions/tcounty1/events/999999/").status_code == 404


@pytest.mark.parametrize(
    "username, own_code, called, status",
    [
        ("tcounty1-admin", "tcounty1", "tcity", 403),  # the county's own admin on the city's host
        ("ocity-admin", "ocity", "tcity", 403),  # another city's admin with a forged Host header
        ("ocity-admin", "ocity", "ocity", 404),  # another city, its own host: tcounty1 is not its county
    ],
)
def test_others_are_refused(page, county_records, username, own_code, called, status):
    client = page(username, own_code)
    for path in (
        "/city/unions/tcounty1/events/",
        "/city/unions/tcounty1/cases/",
        f"/city/unions/tcounty1/events/{county_records['held'].pk}/",
        f"/city/unions/tcounty1/cases/{county_records['case'].pk}/",
    ):
        response = client.get(path, HTTP_HOST=host(called))
        assert response.status_code == status, path
        assert "一区的欠薪问题" not in response.content.decode()
