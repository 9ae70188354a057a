"""Two staff editing the same event or case at once (issue 14, item 2): the second save gets a clear
conflict (409, in Chinese) with what was typed kept, never a silent overwrite of the first one's change.
Each form carries the version it was filled from (the record's `updated_at`), and the API's PATCH takes it."""

import re

import pytest

from tenants.cases.models import Case
from tenants.events.models import Event
from tests.conftest import host

pytestmark = pytest.mark.fault

CONFLICT = "已有其他人保存了这条记录"


def version_in(page_html: str) -> str:
    return re.search(r'name="version" value="([^"]+)"', page_html).group(1)


def event_post(event, *, title: str, version: str) -> dict:
    return {
        "title": title,
        "planned_date": event.planned_date.isoformat(),
        "venue_kind": event.venue_kind,
        "venue_name": event.venue_name,
        "version": version,
    }


def test_the_second_of_two_event_edits_gets_a_conflict_and_keeps_what_was_typed(page, make_event, in_union):
    event = make_event("tcounty1", title="原来的主题")
    first, second = page("tcounty1-staff", "tcounty1"), page("tcounty1-colleague", "tcounty1")
    first_version = version_in(first.get(f"/events/{event.pk}/edit/").content.decode())
    second_version = version_in(second.get(f"/events/{event.pk}/edit/").content.decode())

    saved = first.post(f"/events/{event.pk}/edit/", event_post(event, title="第一人的主题", version=first_version))
    assert saved.status_code == 302
    response = second.post(f"/events/{event.pk}/edit/", event_post(event, title="第二人的主题", version=second_version))
    content = response.content.decode()
    assert response.status_code == 409 and CONFLICT in content
    assert 'value="第二人的主题"' in content  # what the second person typed is still in the form
    with in_union("tcounty1"):
        assert Event.objects.get(pk=event.pk).title == "第一人的主题"  # not overwritten

    # Having looked, the second person saves again on purpose: the form now carries the current version.
    again = second.post(
        f"/events/{event.pk}/edit/", event_post(event, title="第二人的主题", version=version_in(content))
    )
    assert again.status_code == 302
    with in_union("tcounty1"):
        assert Event.objects.get(pk=event.pk).title == "第二人的主题"


def test_the_second_of_two_case_corrections_gets_a_conflict(page, make_case, in_union):
    case = make_case("tcounty1", title="原来的标题")
    first, second = page("tcounty1-staff", "tcounty1"), page("tcounty1-colleague", "tcounty1")
    url = f"/cases/{case.pk}/correct/"
    first_version = version_in(first.get(url).content.decode())
    second_version = version_in(second.get(url).content.decode())

    base = {"raised_on": case.raised_on.isoformat(), "reason": "笔误"}
    assert first.post(url, {**base, "title": "第一人改的标题", "version": first_version}).status_code == 302
    response = second.post(url, {**base, "title": "第二人改的标题", "version": second_version})
    content = response.content.decode()
    assert response.status_code == 409 and CONFLICT in content and 'value="第二人改的标题"' in content
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).title == "第一人改的标题"


@pytest.mark.parametrize("username, code", [("tcounty2-staff", "tcounty2"), ("tcounty1-viewer", "tcounty1")])
def test_others_cannot_edit_whatever_the_version(page, make_event, username, code):
    event = make_event("tcounty1")
    client = page(username, code)
    response = client.post(
        f"/events/{event.pk}/edit/", event_post(event, title="x", version="2020-01-01T00:00:00+00:00"),
        HTTP_HOST=host("tcounty1"),
    )  # fmt: skip
    assert response.status_code in (403, 404)


def test_the_api_patch_refuses_a_stale_version_with_409(api, make_event, in_union):
    event = make_event("tcounty1", title="原来的主题")
    first, second = api("tcounty1-staff", "tcounty1"), api("tcounty1-colleague", "tcounty1")
    url = f"/api/v1/events/{event.pk}/"
    first_read, second_read = first.get(url).json(), second.get(url).json()

    ok = first.patch(url, {"title": "第一人的主题", "updated_at": first_read["updated_at"]}, format="json")
    assert ok.status_code == 200
    stale = second.patch(url, {"title": "第二人的主题", "updated_at": second_read["updated_at"]}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict" and CONFLICT in stale.json()["error"]["message"]
    with in_union("tcounty1"):
        assert Event.objects.get(pk=event.pk).title == "第一人的主题"

    fresh = second.get(url).json()["updated_at"]
    assert second.patch(url, {"title": "第二人的主题", "updated_at": fresh}, format="json").status_code == 200
    # A client that sends no version saves as before (older clients keep working).
    assert first.patch(url, {"venue_name": "新园区"}, format="json").status_code == 200
    # Another union's staff, or a forged Host, never reach the event whatever version they send.
    other = api("tcounty2-staff", "tcounty2")
    assert other.patch(url, {"title": "x", "updated_at": fresh}, format="json").status_code == 404
    forged = api("tcounty2-staff", "tcounty2")
    forged.defaults["HTTP_HOST"] = host("tcounty1")
    assert forged.patch(url, {"title": "x", "updated_at": fresh}, format="json").status_code == 403


def step_version_in(page_html: str, step: str) -> str:
    return re.search(rf'name="{step}-updated_at" value="([^"]+)"', page_html).group(1)


def test_the_second_of_two_progress_notes_from_the_same_page_gets_a_conflict_and_keeps_its_text(
    page, make_case, in_union
):
    from tenants.cases.services import case_refer
    from tests.tenants.events.factories import department

    case = make_case("tcounty1")
    with in_union("tcounty1"):
        case_refer(case=case, actor=None, department=department(), deadline=case.raised_on)
    first, second = page("tcounty1-staff", "tcounty1"), page("tcounty1-colleague", "tcounty1")
    first_version = step_version_in(first.get(f"/cases/{case.pk}/").content.decode(), "progress")
    second_version = step_version_in(second.get(f"/cases/{case.pk}/").content.decode(), "progress")

    url = f"/cases/{case.pk}/progress/"
    saved = first.post(url, {"progress-note": "已约谈企业负责人", "progress-updated_at": first_version})
    assert saved.status_code == 302
    response = second.post(url, {"progress-note": "企业承诺月底补发", "progress-updated_at": second_version})
    content = response.content.decode()
    assert response.status_code == 409 and CONFLICT in content
    assert "企业承诺月底补发" in content  # what the second person typed is kept in the open form
    assert "已约谈企业负责人" in content  # and the page shows the case as it is now
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).transitions.filter(note="企业承诺月底补发").count() == 0

    # Having looked, the second person submits again on purpose: the form carries the current version.
    again = second.post(
        url, {"progress-note": "企业承诺月底补发", "progress-updated_at": step_version_in(content, "progress")}
    )
    assert again.status_code == 302
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).transitions.filter(note="企业承诺月底补发").count() == 1


def test_a_step_on_a_case_someone_finished_meanwhile_is_a_conflict_with_the_text_kept(page, make_case, in_union):
    case = make_case("tcounty1")
    first, second = page("tcounty1-staff", "tcounty1"), page("tcounty1-colleague", "tcounty1")
    second_version = step_version_in(second.get(f"/cases/{case.pk}/").content.decode(), "close")
    first_version = step_version_in(first.get(f"/cases/{case.pk}/").content.decode(), "resolve")
    assert (
        first.post(
            f"/cases/{case.pk}/resolve/", {"resolve-outcome": "已补发工资", "resolve-updated_at": first_version}
        ).status_code
        == 302
    )
    response = second.post(
        f"/cases/{case.pk}/close/", {"close-explanation": "不属于受理范围", "close-updated_at": second_version}
    )
    content = response.content.decode()
    assert response.status_code == 409 and CONFLICT in content and "不属于受理范围" in content
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).status == "resolved"
    # Without a version (an old page), the step's rule answers as before.
    old = second.post(f"/cases/{case.pk}/close/", {"close-explanation": "不属于受理范围"})
    assert old.status_code == 302


@pytest.mark.parametrize("username, code", [("tcounty2-staff", "tcounty2"), ("tcounty1-viewer", "tcounty1")])
def test_others_cannot_take_a_step_whatever_the_version(page, make_case, in_union, username, code):
    case = make_case("tcounty1")
    client = page(username, code)
    response = client.post(
        f"/cases/{case.pk}/close/", {"close-explanation": "x", "close-updated_at": case.updated_at.isoformat()},
        HTTP_HOST=host("tcounty1"),
    )  # fmt: skip
    assert response.status_code in (403, 404)
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).status == "raised"
