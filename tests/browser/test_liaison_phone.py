"""The department liaison's page on a phone, in a real headless Chromium: opened from the link in the message,
no account, readable without sideways scrolling, and a reply that resolves the case."""

from __future__ import annotations

import pytest

from .conftest import in_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _clean_up() -> None:
    from django_tenants.utils import schema_context

    from tenants.cases.models import Case
    from tenants.liaisons.models import Liaison

    with schema_context("e2ecounty"):
        Case.objects.filter(title__startswith="联络员手机").delete()
        Liaison.objects.filter(name="手机联络员").delete()


@pytest.fixture(autouse=True)
def clean(e2e_server):
    in_thread(_clean_up)
    yield
    in_thread(_clean_up)


def _referred_with_link() -> tuple[int, str]:
    from django_tenants.utils import schema_context

    from tests.tenants.liaisons.helpers import departments, liaison, referred, token_for

    with schema_context("e2ecounty"):
        department, _other = departments()
        person = liaison(department, name="手机联络员", email="phone@dept.example.cn")
        case = referred(department, title="联络员手机：食堂卫生问题反映了三次仍未整改")
        return case.pk, token_for(person)


def _status(case_id: int) -> tuple[str, str]:
    from django_tenants.utils import schema_context

    from tenants.cases.models import Case

    with schema_context("e2ecounty"):
        case = Case.objects.get(pk=case_id)
        return case.status, case.transitions.order_by("-at", "-id").first().actor_name


def test_a_liaison_answers_on_a_phone(new_page, url, shot):
    case_id, token = in_thread(_referred_with_link)
    page = new_page(phone=True)
    page.goto(url("e2ecounty", f"/d/{token}/"))
    assert page.get_by_role("heading", name="联络员手机：食堂卫生问题反映了三次仍未整改").is_visible()
    # Nothing wider than the phone: no sideways scrolling to reach the form.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "30-liaison-department-phone")
    card = page.locator(f"#case-{case_id}")
    card.get_by_label("已解决").check()
    card.get_by_label("进展说明或办理结果").fill("已督促食堂整改，复查合格")
    card.get_by_role("button", name="提交答复").click()
    page.wait_for_load_state()
    assert "答复已记录" in page.content()
    assert page.locator(f"#case-{case_id}").count() == 0  # answered: no longer waiting
    assert page.js_errors == []
    status, actor_name = in_thread(_status, case_id)
    assert status == "resolved" and actor_name.startswith("手机联络员（")
