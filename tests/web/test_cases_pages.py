"""Case pages: list with filters, a case's page with its history and only the allowed next steps, actions."""

import datetime

from django.utils import timezone

from shared.catalogues.models import Department
from tenants.cases.models import Case


def _referred_overdue(make_case, in_union, world):
    from tenants.cases.services import case_refer

    case = make_case("tcounty1", title="逾期未办的问题", raised_on=timezone.localdate() - datetime.timedelta(days=40))
    with in_union("tcounty1"):
        case_refer(
            case=case,
            actor=world.user("tcounty1-staff"),
            department=Department.objects.first(),
            deadline=timezone.localdate() - datetime.timedelta(days=2),
        )
    return case


def test_list_filters_and_masks_contact_data(page, make_case, in_union, world):
    make_case("tcounty1", title="咨询社保", kind="consultation", submitter_name="张三丰", submitter_phone="13812345678")
    _referred_overdue(make_case, in_union, world)
    make_case("tcounty2", title="二县的问题")
    client = page("tcounty1-viewer", "tcounty1")
    content = client.get("/cases/").content.decode()
    assert "咨询社保" in content and "逾期未办的问题" in content and "二县的问题" not in content
    assert "13812345678" not in content and "138****5678" in content
    assert "张三丰" not in content
    overdue = client.get("/cases/?overdue=true").content.decode()
    assert "逾期未办的问题" in overdue and "咨询社保" not in overdue
    kinds = client.get("/cases/?kind=consultation").content.decode()
    assert "咨询社保" in kinds and "逾期未办的问题" not in kinds
    response = client.get("/cases/?date_from=31-31-31")
    assert response.status_code == 200
    assert "部分筛选条件无效，已显示全部问题。" in response.content.decode()


def test_case_page_offers_only_the_allowed_steps(page, make_case, make_event):
    event = make_event("tcounty1", held=True)
    case = make_case("tcounty1", title="现场的问题", event=event, source="event")
    content = page("tcounty1-staff", "tcounty1").get(f"/cases/{case.pk}/").content.decode()
    assert "现场的问题" in content and "办理记录" in content
    assert f"/cases/{case.pk}/solve_on_site/" in content and f"/cases/{case.pk}/refer/" in content
    assert f"/cases/{case.pk}/progress/" not in content and f"/cases/{case.pk}/reopen/" not in content
    assert f"/cases/{case.pk}/rate/" not in content


def test_refer_then_resolve_and_history_grows(page, make_case, in_union):
    case = make_case("tcounty1", title="需要交办")
    client = page("tcounty1-staff", "tcounty1")
    deadline = (timezone.localdate() + datetime.timedelta(days=9)).isoformat()
    dept = Department.objects.first()
    response = client.post(
        f"/cases/{case.pk}/refer/", {"refer-department": dept.pk, "refer-deadline": deadline, "refer-note": "请跟进"}
    )
    assert response.status_code == 302
    response = client.post(f"/cases/{case.pk}/resolve/", {"resolve-outcome": "已补发工资"})
    assert response.status_code == 302
    with in_union("tcounty1"):
        case = Case.objects.get(pk=case.pk)
        assert case.status == "resolved"
        assert case.transitions.count() == 3
    content = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已补发工资" in content and "请跟进" in content
    assert f"/cases/{case.pk}/reopen/" in content


def test_an_action_not_allowed_now_is_refused_with_a_message(page, make_case, in_union):
    case = make_case("tcounty1")
    client = page("tcounty1-staff", "tcounty1")
    response = client.post(f"/cases/{case.pk}/reopen/", {"reopen-reason": "x"}, follow=True)
    assert "此问题当前状态下不能进行这一步。" in response.content.decode()
    response = client.post(f"/cases/{case.pk}/refer/", {"refer-deadline": "2020-01-01"})
    assert response.status_code == 400
    assert "转办须指定部门。" in response.content.decode()
    assert client.post(f"/cases/{case.pk}/fly/", {}).status_code == 404
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).status == "raised"


def test_create_case_without_event_and_dispute_needs_parties(page, in_union):
    client = page("tcounty1-staff", "tcounty1")
    assert client.get("/cases/new/").status_code == 200
    base = {
        "kind": "dispute",
        "title": "加班费争议",
        "source": "hotline",
        "raised_on": timezone.localdate().isoformat(),
    }
    response = client.post("/cases/new/", base)
    assert response.status_code == 200
    assert "劳动争议至少需要一名申请人。" in response.content.decode()
    assert 'value="加班费争议"' in response.content.decode()
    response = client.post(
        "/cases/new/", base | {"applicants": "王五", "respondent_name": "某公司", "claimed_amount": "1200"}
    )
    assert response.status_code == 302
    with in_union("tcounty1"):
        case = Case.objects.get(title="加班费争议")
        assert case.dispute.claimed_amount == 1200


def test_contact_data_whole_for_staff_masked_for_viewer(page, make_case):
    case = make_case("tcounty1", submitter_name="李四", submitter_phone="13900002222")
    assert "13900002222" in page("tcounty1-staff", "tcounty1").get(f"/cases/{case.pk}/").content.decode()
    viewer_page = page("tcounty1-viewer", "tcounty1").get(f"/cases/{case.pk}/").content.decode()
    assert "13900002222" not in viewer_page and "下一步" not in viewer_page


def test_viewer_and_other_unions_cannot_act(page, make_case):
    case = make_case("tcounty1")
    assert page("tcounty1-viewer", "tcounty1").post(f"/cases/{case.pk}/progress/", {}).status_code == 403
    other = page("tcounty2-admin", "tcounty2")
    assert other.get(f"/cases/{case.pk}/", HTTP_HOST="tcounty1.localhost").status_code == 403
    assert other.post(f"/cases/{case.pk}/progress/", {}, HTTP_HOST="tcounty1.localhost").status_code == 403
    assert page("tcounty1-staff", "tcounty1").get("/cases/999999/").status_code == 404


def test_step_forms_only_parse_the_services_name_what_is_missing(page, make_case, make_event, in_union, world):
    from tenants.cases.services import case_resolve

    client = page("tcounty1-staff", "tcounty1")
    case = make_case("tcounty1", title="待办结")
    response = client.post(f"/cases/{case.pk}/resolve/", {"resolve-outcome": "  "})
    assert response.status_code == 400
    content = response.content.decode()
    assert "已解决的问题须填写处理结果。" in content and 'id="id_resolve-outcome"' in content
    with in_union("tcounty1"):
        case_resolve(case=case, actor=world.user("tcounty1-staff"), outcome="已办结")
    response = client.post(f"/cases/{case.pk}/rate/", {})
    assert response.status_code == 400 and "满意度为 1 至 5 的整数。" in response.content.decode()
    assert client.post(f"/cases/{case.pk}/rate/", {"rate-satisfaction": "4"}).status_code == 302
    event = make_event("tcounty1", held=True)
    at_event = make_case("tcounty1", title="现场答复", event=event, source="event")
    response = client.post(f"/cases/{at_event.pk}/solve_on_site/", {"solve_on_site-outcome": ""})
    assert response.status_code == 400 and "请说明如何解决。" in response.content.decode()
    with in_union("tcounty1"):
        assert Case.objects.get(pk=case.pk).satisfaction == 4
        assert Case.objects.get(pk=at_event.pk).status == "raised"


def test_list_page_reads_no_history_and_does_not_grow_with_the_page(page, make_case, in_union, world):
    """The list shows each case's department and overdue mark without loading its history, event or enterprise;
    its statements are the same for 2 cases as for 12."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _referred_overdue(make_case, in_union, world)
    make_case("tcounty1", title="第二个问题")
    client = page("tcounty1-staff", "tcounty1")
    with CaptureQueriesContext(connection) as few:
        content = client.get("/cases/").content.decode()
    department = Department.objects.first().name
    assert "逾期未办的问题" in content and department in content
    assert not any("cases_casetransition" in query["sql"] for query in few.captured_queries)
    for n in range(10):
        make_case("tcounty1", title=f"更多的问题{n}")
    with CaptureQueriesContext(connection) as more:
        assert "更多的问题9" in client.get("/cases/").content.decode()
    assert len(more.captured_queries) == len(few.captured_queries)
