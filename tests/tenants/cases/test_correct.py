"""Correcting a saved case: what may change, the checks, and the history line that records it."""

from decimal import Decimal

import pytest
from django.utils import translation

from shared.core.exceptions import ApplicationError
from tenants.cases.models import CaseStatus
from tenants.cases.services import case_correct, case_raise
from tests.tenants.events.factories import CaseFactory, EnterpriseFactory


@pytest.fixture
def staff(world, in_union):
    # The history's note is written in the language of the request that made it: Chinese here.
    with in_union("tcounty1"), translation.override("zh-hans"):
        yield world.user("tcounty1-staff")


def test_a_correction_changes_the_fields_and_records_old_and_new(staff):
    case = CaseFactory(title="工资拖延", submitter_phone="13800000000")
    factory = EnterpriseFactory(name="巨化集团")
    case = case_correct(
        case=case, actor=staff, reason="电话记错", title="工资拖欠", submitter_phone="13911112222", enterprise=factory
    )
    case.refresh_from_db()
    assert (case.title, case.submitter_phone, case.enterprise) == ("工资拖欠", "13911112222", factory)
    line = case.transitions.last()
    assert line.from_status == line.to_status == case.status and line.actor == staff
    assert line.note.splitlines()[0] == "更正：电话记错"
    assert "标题: 工资拖延 → 工资拖欠" in line.note and "13800000000 → 13911112222" in line.note
    assert "— → 巨化集团" in line.note


def test_a_dispute_gets_its_agreed_amount_and_mediation_outcome(staff):
    case = case_raise(
        actor=staff,
        kind="dispute",
        title="欠薪争议",
        source="hotline",
        dispute={"applicants": ["张三"], "respondent_name": "某厂", "claimed_amount": "5000"},
    )
    case = case_correct(
        case=case, actor=staff, reason="调解达成", dispute={"agreed_amount": "4200.50", "outcome": "分两期支付"}
    )
    case.dispute.refresh_from_db()
    assert case.dispute.agreed_amount == Decimal("4200.50") and case.dispute.outcome == "分两期支付"
    assert "— → 4200.50" in case.transitions.last().note
    assert case.status == CaseStatus.RAISED


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"reason": ""}, "reason"),
        ({"reason": "x", "title": " "}, "title"),
        ({"reason": "x", "dispute": {"agreed_amount": "-1"}}, "dispute"),  # not a dispute case
        ({"reason": "x"}, "reason"),  # nothing changed
    ],
)
def test_refusals_name_the_field_and_save_nothing(staff, changes, field):
    case = CaseFactory(title="原标题")
    before = case.transitions.count()
    with pytest.raises(ApplicationError) as error:
        case_correct(case=case, actor=staff, **changes)
    assert field in error.value.fields
    case.refresh_from_db()
    assert case.title == "原标题" and case.transitions.count() == before


def test_a_negative_agreed_amount_is_refused(staff):
    case = case_raise(
        actor=staff,
        kind="dispute",
        title="欠薪争议",
        source="hotline",
        dispute={"applicants": ["张三"], "respondent_name": "某厂", "claimed_amount": "5000"},
    )
    with pytest.raises(ApplicationError) as error:
        case_correct(case=case, actor=staff, reason="x", dispute={"agreed_amount": "-1"})
    assert "dispute.agreed_amount" in error.value.fields


def test_the_status_is_not_correctable(staff):
    with pytest.raises(ApplicationError) as error:
        case_correct(case=CaseFactory(), actor=staff, reason="x", status="resolved")
    assert error.value.code == "not_editable"
