"""Optimistic versions on cases (issue 14): every status step and the correction take the version the caller
read (`updated_at`); a case changed since is refused with 409 and a Chinese message, nothing is written, and a
caller without a version goes ahead as before. The API's PATCH is the correction."""

from __future__ import annotations

import datetime

import pytest

from shared.core.exceptions import ApplicationError
from tenants.cases import services
from tenants.cases.models import Case, CaseStatus
from tenants.cases.services import case_correct, case_raise, case_resolve
from tests.conftest import host
from tests.tenants.events.factories import department

CONFLICT = "已有其他人保存了这条记录"


@pytest.fixture
def staff(world, in_union):
    with in_union("tcounty1"):
        yield world.user("tcounty1-staff")


def raised(staff, **fields) -> Case:
    return case_raise(actor=staff, **({"kind": "request", "title": "工资拖欠", "source": "hotline"} | fields))


def resolved(staff) -> Case:
    return case_resolve(case=raised(staff), actor=staff, outcome="已补发")


STEP_CALLS = {
    "case_refer": lambda case, staff: {"department": department(), "deadline": case.raised_on},
    "case_resolve": lambda case, staff: {"outcome": "已补发"},
    "case_close": lambda case, staff: {"explanation": "不属受理范围"},
}
FINISHED_CALLS = {
    "case_reopen": {"reason": "职工不满意"},
    "case_rate": {"satisfaction": 4},
}


def _stale_after_change(case: Case, staff) -> datetime.datetime:
    """The version a second person read, then someone else changed the case (a correction)."""
    read = case.updated_at
    case_correct(case=case, actor=staff, reason="笔误", title=case.title + "（更正）")
    return read


@pytest.mark.parametrize("name", sorted(STEP_CALLS))
def test_an_open_case_step_with_a_stale_version_is_a_conflict_and_changes_nothing(staff, name):
    case = raised(staff)
    stale = _stale_after_change(case, staff)
    before = list(case.transitions.values_list("pk", flat=True))
    with pytest.raises(ApplicationError) as refused:
        getattr(services, name)(case=case, actor=staff, expected_updated_at=stale, **STEP_CALLS[name](case, staff))
    assert (refused.value.code, refused.value.status) == ("conflict", 409)
    case.refresh_from_db()
    assert case.status == CaseStatus.RAISED and list(case.transitions.values_list("pk", flat=True)) == before
    # With the current version, and with none (older clients), the step goes ahead.
    done = getattr(services, name)(
        case=case, actor=staff, expected_updated_at=case.updated_at, **STEP_CALLS[name](case, staff)
    )
    assert done.status != CaseStatus.RAISED


@pytest.mark.parametrize("name", sorted(FINISHED_CALLS))
def test_a_finished_case_step_with_a_stale_version_is_a_conflict(staff, name):
    case = resolved(staff)
    stale = _stale_after_change(case, staff)
    with pytest.raises(ApplicationError) as refused:
        getattr(services, name)(case=case, actor=staff, expected_updated_at=stale, **FINISHED_CALLS[name])
    assert refused.value.code == "conflict"
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.satisfaction is None
    getattr(services, name)(case=case, actor=staff, **FINISHED_CALLS[name])  # no version: as before


def test_progress_and_solve_on_site_check_the_version_too(staff, in_union):
    from tests.tenants.events.factories import held_event

    on_site = raised(staff, event=held_event(), source="event")
    stale = _stale_after_change(on_site, staff)
    with pytest.raises(ApplicationError) as refused:
        services.case_solve_on_site(case=on_site, actor=staff, outcome="当场答复", expected_updated_at=stale)
    assert refused.value.code == "conflict"

    referred = services.case_refer(
        case=raised(staff), actor=staff, department=department(), deadline=datetime.date.today()
    )
    read = referred.updated_at
    services.case_mark_progress(case=referred, actor=staff, note="已约谈企业", expected_updated_at=read)
    with pytest.raises(ApplicationError) as refused:  # the second of two people who read the same version
        services.case_mark_progress(case=referred, actor=staff, note="另一条进展", expected_updated_at=read)
    assert refused.value.code == "conflict"
    assert referred.transitions.filter(note="另一条进展").count() == 0


def test_the_conflict_is_checked_before_the_step_rule(staff):
    """A case someone else finished meanwhile: the caller hears about the conflict, not about a rule they
    could not have known broke."""
    case = raised(staff)
    read = case.updated_at
    case_resolve(case=case, actor=staff, outcome="已解决")
    with pytest.raises(ApplicationError) as refused:
        services.case_close(case=case, actor=staff, explanation="x", expected_updated_at=read)
    assert refused.value.code == "conflict"


# --- the API --------------------------------------------------------------------------------------------


def test_the_case_api_shows_the_version_in_the_list_and_the_detail(api, world, in_union):
    with in_union("tcounty1"):
        case = raised(world.user("tcounty1-staff"))
    client = api("tcounty1-viewer", "tcounty1")
    detail = client.get(f"/api/v1/cases/{case.pk}/").json()
    listed = next(row for row in client.get("/api/v1/cases/").json()["results"] if row["id"] == case.pk)
    assert detail["updated_at"] == listed["updated_at"] and detail["updated_at"].startswith(str(case.raised_on.year))


def test_two_staff_taking_a_step_from_the_same_version_the_second_gets_409(api, world, in_union):
    with in_union("tcounty1"):
        case = resolved(world.user("tcounty1-staff"))
    first, second = api("tcounty1-staff", "tcounty1"), api("tcounty1-colleague", "tcounty1")
    url = f"/api/v1/cases/{case.pk}/"
    version = first.get(url).json()["updated_at"]
    assert second.get(url).json()["updated_at"] == version

    ok = first.post(f"{url}rate/", {"satisfaction": 5, "updated_at": version}, format="json")
    assert ok.status_code == 200, ok.json()
    assert ok.json()["updated_at"] != version
    stale = second.post(f"{url}rate/", {"satisfaction": 2, "updated_at": version}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict" and CONFLICT in stale.json()["error"]["message"]
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).satisfaction == 5  # the first rating stands

    # Having looked, the second rates again on the current version; a client without a version as before.
    fresh = second.get(url).json()["updated_at"]
    assert second.post(f"{url}rate/", {"satisfaction": 2, "updated_at": fresh}, format="json").status_code == 200
    assert first.post(f"{url}reopen/", {"reason": "职工不满意"}, format="json").status_code == 200
    assert (
        first.post(f"{url}close/", {"explanation": "x", "updated_at": "not a date"}, format="json").status_code == 400
    )


def test_patch_corrects_a_case_with_a_reason_and_refuses_a_stale_version(api, world, in_union):
    with in_union("tcounty1"):
        case = raised(world.user("tcounty1-staff"), submitter_phone="13800000000")
    first, second = api("tcounty1-staff", "tcounty1"), api("tcounty1-colleague", "tcounty1")
    url = f"/api/v1/cases/{case.pk}/"
    first_read, second_read = first.get(url).json(), second.get(url).json()

    ok = first.patch(
        url,
        {"reason": "电话记错", "submitter_phone": "13911112222", "updated_at": first_read["updated_at"]},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["submitter_phone"] == "13911112222" and ok.json()["status"] == "raised"
    assert "更正：电话记错" in ok.json()["history"][-1]["note"]
    stale = second.patch(
        url, {"reason": "标题不准", "title": "第二人的标题", "updated_at": second_read["updated_at"]}, format="json"
    )
    assert stale.status_code == 409 and CONFLICT in stale.json()["error"]["message"]
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).title == "工资拖欠"
    # Also a step taken since makes a correction read before it stale, and the other way round.
    current = first.get(url).json()["updated_at"]
    assert first.post(f"{url}resolve/", {"outcome": "已补发"}, format="json").status_code == 200
    late = second.patch(url, {"reason": "x", "title": "y", "updated_at": current}, format="json")
    assert late.status_code == 409


def test_patch_field_errors_are_chinese_and_change_nothing(api, world, in_union):
    with in_union("tcounty1"):
        case = raised(world.user("tcounty1-staff"))
    client = api("tcounty1-staff", "tcounty1")
    url = f"/api/v1/cases/{case.pk}/"
    no_reason = client.patch(url, {"title": "新标题"}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["error"]["fields"]["reason"] == ["请说明更正理由。"]
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    bad = client.patch(url, {"reason": "日期", "raised_on": future, "title": ""}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"raised_on", "title"}
    nothing = client.patch(url, {"reason": "没有改什么"}, format="json")
    assert nothing.status_code == 400 and "reason" in nothing.json()["error"]["fields"]
    not_dispute = client.patch(url, {"reason": "x", "dispute": {"outcome": "调解成功"}}, format="json")
    assert not_dispute.status_code == 400 and "dispute" in not_dispute.json()["error"]["fields"]
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).title == "工资拖欠" and case.transitions.count() == 1


def test_patch_corrects_a_disputes_applicants_and_agreed_amount(api, world, in_union):
    with in_union("tcounty1"):
        case = case_raise(
            actor=world.user("tcounty1-staff"),
            kind="dispute",
            title="欠薪争议",
            source="hotline",
            dispute={"applicants": ["张三"], "respondent_name": "某公司", "claimed_amount": "5000"},
        )
    client = api("tcounty1-staff", "tcounty1")
    response = client.patch(
        f"/api/v1/cases/{case.pk}/",
        {"reason": "调解结果", "dispute": {"applicants": ["张三", " 李四 "], "agreed_amount": "4200.50"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["dispute"]["applicants"] == ["张三", "李四"]
    assert response.json()["dispute"]["agreed_amount"] == "4200.50"


@pytest.mark.parametrize(
    "username, code, forged, expected",
    [
        ("tcounty1-viewer", "tcounty1", False, 403),  # a member without the right to write
        ("tcounty2-staff", "tcounty2", False, 404),  # another union's staff, on their own host: not theirs
        ("tcounty2-staff", "tcounty2", True, 403),  # ... or forging tcounty1's Host
        ("ocity-admin", "ocity", True, 403),  # another city's admin forging the Host
    ],
)
def test_others_cannot_patch_or_step_whatever_the_version(api, world, in_union, username, code, forged, expected):
    with in_union("tcounty1"):
        case = raised(world.user("tcounty1-staff"))
    version = case.updated_at.isoformat()
    client = api(username, code)
    if forged:
        client.defaults["HTTP_HOST"] = host("tcounty1")
    url = f"/api/v1/cases/{case.pk}/"
    assert (
        client.patch(url, {"reason": "x", "title": "y", "updated_at": version}, format="json").status_code == expected
    )
    assert (
        client.post(f"{url}close/", {"explanation": "x", "updated_at": version}, format="json").status_code == expected
    )
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).title == "工资拖欠" and case.transitions.count() == 1
