"""Department liaisons in the pages: the union's list (who may read, who may change, wrong union, forged Host),
revoking links, the escalation setting (admins), and the liaison's own page opened from a signed link without
an account: only their department's cases of this union, a reply that moves the case with the liaison named,
and a clear Chinese page for a forged, expired or revoked link."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from shared.unions.models import Union
from tenants.attachments.models import Attachment
from tenants.cases.models import Case, CaseStatus
from tenants.liaisons.models import Liaison, LiaisonLink
from tenants.liaisons.services import link_current, link_revoke, link_token
from tests.clock import MIDYEAR
from tests.tenants.liaisons.helpers import departments, liaison, referred

pytestmark = pytest.mark.usefixtures("on_today")


@pytest.fixture
def setup(world, in_union):
    with in_union("tcounty1"):
        department, other = departments()
        person = liaison(department)
        mine = referred(department, title="本部门的问题", actor=world.user("tcounty1-staff"))
        theirs = referred(other, title="别的部门的问题")
        link = link_current(liaison=person)
        token = link_token(link=link)
    with in_union("tcounty2"):
        referred(department, title="二县同部门的问题")
    return {"person": person, "mine": mine, "theirs": theirs, "link": link, "token": token, "department": department}


def test_members_read_the_list_only_staff_change_it(page, setup):
    content = page("tcounty1-viewer", "tcounty1").get("/liaisons/").content.decode()
    assert "王联络" in content and "添加联络员" not in content
    assert page("tcounty1-viewer", "tcounty1").post("/liaisons/new/", {"name": "x"}).status_code == 403

    staff = page("tcounty1-staff", "tcounty1")
    assert "添加联络员" in staff.get("/liaisons/").content.decode()
    response = staff.post(
        "/liaisons/new/", {"department": setup["department"].pk, "name": "赵六", "phone": "", "email": ""}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "请填写手机号码或电子邮箱" in content and 'value="赵六"' in content  # what was typed stays
    response = staff.post(
        "/liaisons/new/", {"department": setup["department"].pk, "name": "赵六", "phone": "13700000000"}
    )
    assert response.status_code == 302


def test_wrong_union_forged_host_and_anonymous_are_refused(page, world, setup):
    assert page("tcounty2-staff", "tcounty2").get("/liaisons/").content.decode().count("王联络") == 0
    other = page("tcounty2-admin", "tcounty1")  # another union's admin, Host of tcounty1
    assert other.get("/liaisons/").status_code == 403
    assert other.post(f"/liaisons/links/{setup['link'].pk}/revoke/").status_code == 403
    assert other.post(f"/liaisons/{setup['person'].pk}/delete/").status_code == 403
    forged = Client(HTTP_HOST="nosuch.localhost")
    forged.force_login(world.user("tcounty1-staff"))
    assert forged.get("/liaisons/").status_code == 404
    assert page(None, "tcounty1").get("/liaisons/").status_code == 302


def test_staff_revoke_a_link_and_the_page_says_so(page, setup):
    staff = page("tcounty1-staff", "tcounty1")
    assert staff.post(f"/liaisons/links/{setup['link'].pk}/revoke/").status_code == 302
    assert LiaisonLink.objects.get(pk=setup["link"].pk).revoked_at is not None
    response = page(None, "tcounty1").get(f"/d/{setup['token']}/")
    assert response.status_code == 410 and "已被工会撤销" in response.content.decode()


def test_staff_edit_and_remove_a_liaison(page, setup, in_union):
    staff = page("tcounty1-staff", "tcounty1")
    person = setup["person"]
    assert staff.get(f"/liaisons/{person.pk}/edit/").status_code == 200
    response = staff.post(
        f"/liaisons/{person.pk}/edit/",
        {"department": person.department_id, "name": "王联络", "phone": "", "email": "", "active": "on"},
    )
    assert response.status_code == 400 and "请填写手机号码或电子邮箱" in response.content.decode()
    assert staff.post(f"/liaisons/{person.pk}/delete/").status_code == 302
    with in_union("tcounty1"):
        assert not Liaison.objects.filter(pk=person.pk).exists()
    assert page(None, "tcounty1").get(f"/d/{setup['token']}/").status_code == 403  # its link is gone


def test_only_admins_set_the_escalation_days(page, setup):
    assert page("tcounty1-staff", "tcounty1").post("/liaisons/escalation/", {"escalation_days": 7}).status_code == 403
    admin = page("tcounty1-admin", "tcounty1")
    response = admin.post("/liaisons/escalation/", {"escalation_days": 0})
    assert response.status_code == 400
    assert admin.post("/liaisons/escalation/", {"escalation_days": 7}).status_code == 302
    assert Union.objects.get(code="tcounty1").escalation_days == 7
    assert Union.objects.get(code="tcounty2").escalation_days == 3


def test_the_department_page_shows_its_departments_cases_of_this_union_only(page, setup):
    response = page(None, "tcounty1").get(f"/d/{setup['token']}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "本部门的问题" in content and setup["department"].name in content
    assert "别的部门的问题" not in content and "二县同部门的问题" not in content
    assert 'name="viewport"' in content  # laid out for a phone
    assert "notices-link" not in content and "/liaisons/" not in content  # no account, no member menu


@pytest.mark.parametrize(
    ("how", "status", "words"),
    [
        ("forged", 403, "链接无效"),
        ("expired", 410, "已过期"),
        ("revoked", 410, "已被工会撤销"),
        ("other", 403, "链接无效"),
    ],
)
def test_a_bad_link_is_a_clear_chinese_page(page, setup, in_union, how, status, words):
    token, code = setup["token"], "tcounty1"
    if how == "forged":
        token = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    elif how == "expired":
        with in_union("tcounty1"):
            LiaisonLink.objects.filter(pk=setup["link"].pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    elif how == "revoked":
        with in_union("tcounty1"):
            link_revoke(link=setup["link"])
    else:
        code = "tcounty2"  # the link of tcounty1 at another union's host
    response = page(None, code).get(f"/d/{token}/")
    assert response.status_code == status
    assert words in response.content.decode() and "本部门的问题" not in response.content.decode()
    reply = page(None, code).post(f"/d/{token}/cases/{setup['mine'].pk}/", {f"c{setup['mine'].pk}-action": "progress"})
    assert reply.status_code == status


def test_the_link_on_the_public_host_is_refused(setup):
    assert Client(HTTP_HOST="localhost").get(f"/d/{setup['token']}/").status_code == 404


def test_a_reply_moves_the_case_and_staff_see_the_liaison_in_its_history(page, setup, in_union):
    mine, prefix = setup["mine"], f"c{setup['mine'].pk}"
    client = page(None, "tcounty1")
    url = f"/d/{setup['token']}/cases/{mine.pk}/"
    response = client.post(url, {f"{prefix}-action": "resolve", f"{prefix}-text": ""})
    assert response.status_code == 400
    assert "须填写处理结果" in response.content.decode()
    response = client.post(url, {f"{prefix}-action": "progress", f"{prefix}-text": "已约谈企业，正在核算"})
    assert response.status_code == 302
    assert "已记录" in client.get(response["Location"]).content.decode()
    with in_union("tcounty1"):
        assert Case.objects.get(pk=mine.pk).status == CaseStatus.IN_PROGRESS
    detail = page("tcounty1-staff", "tcounty1").get(f"/cases/{mine.pk}/").content.decode()
    assert "王联络（" in detail and "联络员）" in detail and "已约谈企业，正在核算" in detail

    # Another department's case through this link: refused, untouched.
    theirs = setup["theirs"]
    response = client.post(
        f"/d/{setup['token']}/cases/{theirs.pk}/", {f"c{theirs.pk}-action": "progress", f"c{theirs.pk}-text": "x"}
    )
    assert response.status_code == 404
    with in_union("tcounty1"):
        assert Case.objects.get(pk=theirs.pk).status == CaseStatus.REFERRED


def test_the_city_dashboard_lists_the_departments_that_answer_late(page, world, in_union, on_day):
    from oversight.rollup.services import rollup_refresh

    today = on_day(MIDYEAR)  # a case of this year already overdue
    first, _second = departments()
    with in_union("tcounty1"):
        referred(
            first, title="逾期", deadline=today - datetime.timedelta(days=1), raised_on=today.replace(day=1, month=1)
        )
    rollup_refresh(union=world.union("tcounty1"), year=today.year)
    content = page("tcity-staff", "tcity").get("/city/").content.decode()
    assert "哪些部门办理超期" in content and f'data-department="{first.pk}"' in content
    assert f'data-department="{first.pk}"' not in page("ocity-staff", "ocity").get("/city/").content.decode()


def test_the_department_page_shows_no_contact_data_nor_corrections(page, setup, in_union, world):
    from tenants.cases.services import case_correct

    with in_union("tcounty1"):
        case_correct(
            case=setup["mine"], actor=world.user("tcounty1-staff"), reason="电话记错", submitter_phone="13812345678"
        )
    content = page(None, "tcounty1").get(f"/d/{setup['token']}/").content.decode()
    assert "本部门的问题" in content and "13812345678" not in content and "138****5678" in content


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile("现场.png", buffer.getvalue(), content_type="image/png")


def test_a_reply_carries_a_file_and_a_lying_one_refuses_the_whole_reply(page, setup, in_union):
    mine, prefix = setup["mine"], f"c{setup['mine'].pk}"
    client = page(None, "tcounty1")
    url = f"/d/{setup['token']}/cases/{mine.pk}/"
    lie = SimpleUploadedFile("结果.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    typed = "已督促企业补发工资"
    response = client.post(url, {f"{prefix}-action": "resolve", f"{prefix}-text": typed, f"{prefix}-file": lie})
    assert response.status_code == 400
    body = response.content.decode()
    assert typed in body  # what was typed comes back
    with in_union("tcounty1"):
        assert Case.objects.get(pk=mine.pk).status == CaseStatus.REFERRED  # nothing saved
        assert not Attachment.objects.filter(case_id=mine.pk).exists()

    response = client.post(url, {f"{prefix}-action": "resolve", f"{prefix}-text": typed, f"{prefix}-file": _png()})
    assert response.status_code == 302
    with in_union("tcounty1"):
        assert Case.objects.get(pk=mine.pk).status == CaseStatus.RESOLVED
        attachment = Attachment.objects.get(case_id=mine.pk)
        assert attachment.uploaded_by is None and "王联络" in attachment.description
    # Staff of the union see it on the case; another union's staff cannot fetch it.
    assert f"/files/{attachment.pk}/" in page("tcounty1-staff", "tcounty1").get(f"/cases/{mine.pk}/").content.decode()
    assert page("tcounty2-staff", "tcounty2").get(f"/files/{attachment.pk}/").status_code in (403, 404)
