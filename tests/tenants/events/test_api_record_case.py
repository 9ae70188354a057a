"""POST /api/v1/events/<id>/cases/: a case recorded on site, solved there or referred in the same transaction."""

import datetime

import pytest

from tenants.cases.models import Case
from tenants.events.models import Event, EventStatus

from .factories import EventFactory, department, held_event

URL = "/api/v1/events/{id}/cases/"


@pytest.fixture
def staff(api):
    return api("tcounty1-staff", "tcounty1")  # no Accept-Language: the default, Simplified Chinese


def test_solve_on_site_refer_or_just_raise(staff, in_union):
    with in_union("tcounty1"):
        event = held_event(held_date=datetime.date(2026, 3, 15))
        dept = department("法院")
    solved = staff.post(
        URL.format(id=event.pk),
        {
            "kind": "consultation",
            "title": "社保怎么转移",
            "submitter_name": "王五",
            "submitter_phone": "13912345678",
            "next_step": "solve_on_site",
            "outcome": "已现场讲解",
        },
        format="json",
    )
    assert solved.status_code == 201, solved.json()
    body = solved.json()
    assert (body["status"], body["outcome"], body["event"]["id"]) == ("solved_on_site", "已现场讲解", event.pk)
    assert body["raised_on"] == "2026-03-15"  # the day the event was held
    assert body["submitter_phone"] == "13912345678"  # the staff who recorded it sees it whole
    assert [(h["from_status"], h["to_status"]) for h in body["history"]] == [
        ("", "raised"),
        ("raised", "solved_on_site"),
    ]
    referred = staff.post(
        URL.format(id=event.pk),
        {
            "kind": "dispute",
            "title": "三名职工工资被拖欠",
            "dispute": {"applicants": ["张伟", "李娜"], "respondent_name": "某商贸公司", "claimed_amount": "25800"},
            "next_step": "refer",
            "department": dept.pk,
            "deadline": "2026-04-15",
            "note": "请法院跟进",
        },
        format="json",
    ).json()
    assert (referred["status"], referred["department"]["id"], referred["deadline"]) == (
        "referred",
        dept.pk,
        "2026-04-15",
    )
    assert referred["dispute"]["applicants"] == ["张伟", "李娜"]
    raised = staff.post(URL.format(id=event.pk), {"kind": "suggestion", "title": "希望多办几期"}, format="json")
    assert raised.status_code == 201 and raised.json()["status"] == "raised"
    assert set(raised.json()["allowed_actions"]) >= {"solve_on_site", "refer"}
    with in_union("tcounty1"):
        assert sorted(event.cases.values_list("status", flat=True)) == ["raised", "referred", "solved_on_site"]


@pytest.mark.parametrize(
    "payload,fields",
    [
        ({"kind": "request", "title": "欠薪", "next_step": "refer", "deadline": "2026-04-15"}, {"department": ["转办须指定部门。"]}),
        ({"kind": "request", "title": "欠薪", "next_step": "solve_on_site"}, {"outcome": ["请说明如何解决。"]}),
        ({"kind": "request", "title": "欠薪", "next_step": "fly"}, {"next_step": ["“fly” 不是合法选项。"]}),
        ({"kind": "dispute", "title": "欠薪", "dispute": {"applicants": []}}, {"dispute.applicants": ["劳动争议至少需要一名申请人。"]}),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_naming_fields_in_chinese_and_saves_nothing(staff, in_union, payload, fields):
    with in_union("tcounty1"):
        event = held_event()
    response = staff.post(URL.format(id=event.pk), payload, format="json")
    assert response.status_code == 400
    assert {name: response.json()["error"]["fields"][name] for name in fields} == fields
    with in_union("tcounty1"):
        assert not Case.objects.exists()  # the raise is rolled back with the refused referral or solution


def test_a_cancelled_event_takes_no_case(staff, in_union):
    with in_union("tcounty1"):
        event = EventFactory()
    staff.post(f"/api/v1/events/{event.pk}/cancel/", {"reason": "台风"}, format="json")
    response = staff.post(URL.format(id=event.pk), {"kind": "request", "title": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["event"] == ["已取消的活动不能登记问题。"]
    with in_union("tcounty1"):
        assert event.cases.count() == 0 and Event.objects.get(pk=event.pk).status == EventStatus.CANCELLED


@pytest.mark.parametrize(
    "username,host,codes",
    [
        ("tcounty1-viewer", "tcounty1", {403}),  # a colleague without the right to write
        ("tcounty2-admin", "tcounty1", {403}),  # a sibling county, forged Host
        ("ocounty-admin", "tcounty1", {403}),  # another city's union, forged Host
        ("tcounty2-admin", "tcounty2", {404}),  # on its own host the id names nothing
        (None, "tcounty1", {401, 403}),
    ],
)
def test_only_the_unions_writers_record(api, in_union, username, host, codes):
    with in_union("tcounty1"):
        event = held_event()
    response = api(username, host).post(
        URL.format(id=event.pk), {"kind": "request", "title": "越权登记", "next_step": "raised"}, format="json"
    )
    assert response.status_code in codes
    for union in ("tcounty1", "tcounty2"):
        with in_union(union):
            assert not Case.objects.filter(title="越权登记").exists()
