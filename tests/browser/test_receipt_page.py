"""/r/ on a phone in a real headless Chromium: a worker types the receipt code and the last 4 digits of the
phone, sees the status and the outcome, rates once, and the page fits the phone's width."""

from __future__ import annotations

import pytest

from .conftest import in_thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _resolved_case() -> tuple[int, str]:
    from django_tenants.utils import schema_context

    from shared.accounts.models import User
    from tenants.cases.services import case_raise, case_resolve

    with schema_context("e2ecounty"):
        staff = User.objects.get(username="e2ecounty-staff")
        case = case_raise(
            actor=staff, kind="request", title="夜班班车停运", source="hotline", submitter_name="赵六",
            submitter_phone="13912349876",
        )  # fmt: skip
        case_resolve(case=case, actor=staff, outcome="已与公交公司协调，夜班班车下周一恢复。")
        return case.pk, case.receipt_code


def _case(case_id: int):
    from django_tenants.utils import schema_context

    from tenants.cases.models import Case

    with schema_context("e2ecounty"):
        case = Case.objects.get(pk=case_id)
        last = case.transitions.order_by("at", "id").last()
        return case.satisfaction, last.by_submitter, last.note


def _delete(case_id: int) -> None:
    from django_tenants.utils import schema_context

    from tenants.cases.models import Case

    with schema_context("e2ecounty"):
        Case.objects.filter(pk=case_id).delete()


@pytest.fixture
def resolved(e2e_server):
    case_id, code = in_thread(_resolved_case)
    yield case_id, code
    in_thread(_delete, case_id)


def test_a_worker_checks_and_rates_their_case_on_a_phone(resolved, new_page, url, shot):
    case_id, code = resolved
    page = new_page(phone=True)
    page.goto(url("e2ecounty", "/r/"))
    assert "查询办理进度" in page.content()
    page.fill("#id_receipt_code", code.lower())
    page.fill("#id_phone_last4", "9876")
    page.click("button[type=submit].big")
    page.wait_for_selector("#case-status")
    content = page.content()
    assert "已解决" in content and "夜班班车下周一恢复" in content
    assert "夜班班车停运" not in content and "赵六" not in content
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling on a phone
    shot(page, "receipt-status-phone")
    page.check("input[name=satisfaction][value='5']")
    page.fill("#id_comment", "很满意")
    page.click("button[type=submit].big")
    page.wait_for_selector("text=感谢您的评价")
    assert in_thread(_case, case_id) == (5, True, "满意度：5\n很满意")
    assert not page.js_errors
