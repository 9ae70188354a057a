"""Case rules at the service level: the transitions, their history, disputes, overdue."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from shared.core.exceptions import ApplicationError
from tenants.cases.models import Case, CaseStatus, CaseTransition, DisputeDetail
from tenants.cases.selectors import case_list
from tenants.cases.services import (
    case_close,
    case_mark_progress,
    case_raise,
    case_rate,
    case_record_on_site,
    case_refer,
    case_reopen,
    case_resolve,
    case_solve_on_site,
)
from tenants.cases.workflow import case_allowed_actions
from tenants.events.services import event_cancel
from tests.tenants.events.factories import CaseFactory, EnterpriseFactory, EventFactory, department, held_event, topic

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture
def staff(world, in_union):
    with in_union("tcounty1"):
        yield world.user("tcounty1-staff")


def history(case):
    return [(t.from_status, t.to_status) for t in case.transitions.all()]


def test_raise_at_event_records_the_first_transition(staff):
    event = held_event(topic=topic("防欠薪"))
    case = case_raise(actor=staff, kind="request", title="工资拖欠三个月", event=event, submitter_name="张三")
    assert case.status == CaseStatus.RAISED
    assert case.topic.name == "防欠薪"  # inherited from the event
    assert case.raised_on == event.held_date
    transition = case.transitions.get()
    assert (transition.from_status, transition.to_status, transition.actor) == ("", "raised", staff)


def test_raise_without_event_from_hotline_and_qr_without_actor(staff):
    hotline = case_raise(actor=staff, kind="consultation", title="社保怎么转移", source="hotline")
    assert hotline.event is None
    qr = case_raise(actor=None, kind="suggestion", title="食堂菜价", source="qr", event=EventFactory())
    assert qr.transitions.get().actor is None and qr.created_by is None


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"kind": "complaint"}, "kind"),
        ({"title": " "}, "title"),
        ({"source": "event"}, "event"),  # at an event, but which?
        ({"source": "pigeon"}, "source"),
        ({"raised_on": datetime.date(2999, 1, 1)}, "raised_on"),
        ({"kind": "dispute"}, "dispute"),  # a dispute without its details
        ({"dispute": {"applicants": ["李四"], "claimed_amount": 1}}, "dispute"),  # details on a non-dispute
        ({"event": 987654, "source": "qr"}, "event"),
    ],
)
def test_raise_rejects(staff, kwargs, field):
    values = {"actor": staff, "kind": "request", "title": "t", "source": "hotline", **kwargs}
    with pytest.raises(ApplicationError) as error:
        case_raise(**values)
    assert field in error.value.fields
    assert not Case.objects.exists()


def test_raise_rejects_cancelled_event_and_hotline_at_event(staff):
    cancelled = event_cancel(event=EventFactory(), actor=staff, reason="雨")
    with pytest.raises(ApplicationError) as error:
        case_raise(actor=staff, kind="request", title="t", event=cancelled)
    assert "event" in error.value.fields
    with pytest.raises(ApplicationError) as error:
        case_raise(actor=staff, kind="request", title="t", event=held_event(), source="hotline")
    assert "source" in error.value.fields


def test_dispute_details(staff):
    respondent = EnterpriseFactory(name="某某机械有限公司")
    case = case_raise(
        actor=staff,
        kind="dispute",
        title="加班费争议",
        event=held_event(),
        dispute={"applicants": ["王五", "赵六"], "respondent": respondent.pk, "claimed_amount": "12800.50"},
    )
    detail = DisputeDetail.objects.get(case=case)
    assert detail.applicants.splitlines() == ["王五", "赵六"]
    assert detail.respondent == respondent and detail.respondent_name == "某某机械有限公司"
    assert detail.claimed_amount == Decimal("12800.50") and detail.agreed_amount is None


@pytest.mark.parametrize(
    "dispute,field",
    [
        ({"applicants": [], "respondent_name": "某厂", "claimed_amount": 1}, "dispute.applicants"),
        ({"applicants": ["王五"], "respondent_name": "某厂", "claimed_amount": -1}, "dispute.claimed_amount"),
        (
            {"applicants": ["王五"], "respondent_name": "某厂", "claimed_amount": 1, "agreed_amount": -5},
            "dispute.agreed_amount",
        ),
        ({"applicants": ["王五"], "respondent_name": "某厂", "claimed_amount": "abc"}, "dispute.claimed_amount"),
        ({"applicants": ["王五"], "claimed_amount": 1}, "dispute.respondent"),
    ],
)
def test_dispute_rejects(staff, dispute, field):
    with pytest.raises(ApplicationError) as error:
        case_raise(actor=staff, kind="dispute", title="争议", source="hotline", dispute=dispute)
    assert field in error.value.fields
    assert not Case.objects.exists() and not DisputeDetail.objects.exists()


def test_full_referral_path_keeps_every_step(staff, world):
    case = CaseFactory(actor=staff)
    colleague = world.user("tcounty1-colleague")
    case = case_refer(case=case, actor=staff, department=department("人力社保局"), deadline=TODAY, note="转人社局")
    assert case.status == CaseStatus.REFERRED and case.department.name == "人力社保局"
    case = case_mark_progress(case=case, actor=colleague, note="已约谈企业")
    case = case_mark_progress(case=case, actor=colleague, note="企业承诺月底支付")
    case = case_resolve(case=case, actor=staff, outcome="工资已全部发放")
    assert case.status == CaseStatus.RESOLVED and case.finished_on == timezone.localdate()
    case = case_rate(case=case, actor=staff, satisfaction=5)
    assert case.satisfaction == 5
    assert history(case) == [
        ("", "raised"),
        ("raised", "referred"),
        ("referred", "in_progress"),
        ("in_progress", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "resolved"),  # the rating
    ]
    assert [t.actor for t in case.transitions.all()][2] == colleague
    assert case.transitions.all()[1].note == "转人社局"


def test_solve_on_site_needs_an_event_and_an_outcome(staff):
    with pytest.raises(ApplicationError) as error:
        case_solve_on_site(case=CaseFactory(), actor=staff, outcome="已答复")
    assert error.value.code == "on_site_needs_event"
    case = CaseFactory(event=held_event(), source="event")
    with pytest.raises(ApplicationError) as error:
        case_solve_on_site(case=case, actor=staff, outcome="")
    assert "outcome" in error.value.fields
    case = case_solve_on_site(case=case, actor=staff, outcome="现场答复")
    assert case.status == CaseStatus.SOLVED_ON_SITE and case.outcome == "现场答复"


def test_refer_needs_department_and_deadline(staff):
    case = CaseFactory()
    with pytest.raises(ApplicationError) as error:
        case_refer(case=case, actor=staff, department=None, deadline=None)
    assert error.value.code == "referral_incomplete"
    assert set(error.value.fields) == {"department", "deadline"}
    with pytest.raises(ApplicationError) as error:
        case_refer(case=case, actor=staff, department=department(), deadline=datetime.date(2000, 1, 1))
    assert "deadline" in error.value.fields
    case.refresh_from_db()
    assert case.status == CaseStatus.RAISED and case.transitions.count() == 1


def test_nonsense_transitions_name_the_rule(staff):
    closed = case_close(case=CaseFactory(), actor=staff, explanation="不属于受理范围")
    for call in (
        lambda: case_resolve(case=closed, actor=staff, outcome="x"),
        lambda: case_refer(case=closed, actor=staff, department=department(), deadline=TODAY),
        lambda: case_mark_progress(case=closed, actor=staff, note="x"),
        lambda: case_close(case=closed, actor=staff, explanation="x"),
        lambda: case_solve_on_site(case=closed, actor=staff, outcome="x"),
    ):
        with pytest.raises(ApplicationError) as error:
            call()
        assert error.value.code == "invalid_transition"
        assert "Closed with explanation" in str(error.value.message)
    raised = CaseFactory()
    for call in (
        lambda: case_mark_progress(case=raised, actor=staff, note="x"),
        lambda: case_reopen(case=raised, actor=staff, reason="x"),
        lambda: case_rate(case=raised, actor=staff, satisfaction=3),
    ):
        with pytest.raises(ApplicationError) as error:
            call()
        assert error.value.code == "invalid_transition"
    assert closed.transitions.count() == 2 and raised.transitions.count() == 1


def test_close_needs_explanation_and_resolve_needs_outcome(staff):
    case = CaseFactory()
    with pytest.raises(ApplicationError) as error:
        case_close(case=case, actor=staff, explanation="  ")
    assert "explanation" in error.value.fields
    with pytest.raises(ApplicationError) as error:
        case_resolve(case=case, actor=staff, outcome="")
    assert "outcome" in error.value.fields


def test_reopen_with_reason_goes_back_to_raised(staff):
    case = case_resolve(case=CaseFactory(), actor=staff, outcome="已解决")
    case = case_rate(case=case, actor=staff, satisfaction=2)
    with pytest.raises(ApplicationError) as error:
        case_reopen(case=case, actor=staff, reason="")
    assert "reason" in error.value.fields
    case = case_reopen(case=case, actor=staff, reason="职工反映仍未发放")
    assert case.status == CaseStatus.RAISED
    assert case.finished_on is None and case.satisfaction is None and case.outcome == ""
    assert case.transitions.last().note == "职工反映仍未发放"
    assert case.transitions.filter(note="已解决").exists()  # the old outcome stays in the history


@pytest.mark.parametrize("value", [0, 6, -1, True, "5", 3.5])
def test_rating_is_1_to_5(staff, value):
    case = case_resolve(case=CaseFactory(), actor=staff, outcome="ok")
    with pytest.raises(ApplicationError) as error:
        case_rate(case=case, actor=staff, satisfaction=value)
    assert "satisfaction" in error.value.fields


def test_overdue(staff):
    late = case_refer(case=CaseFactory(), actor=staff, department=department(), deadline=datetime.date(2026, 4, 1))
    on_time = case_refer(case=CaseFactory(), actor=staff, department=department(), deadline=datetime.date(2026, 12, 31))
    finished_late = case_resolve(
        case=case_refer(case=CaseFactory(), actor=staff, department=department(), deadline=datetime.date(2026, 4, 1)),
        actor=staff,
        outcome="ok",
    )
    flags = {case.pk: case.is_overdue for case in case_list(today=TODAY)}
    assert flags == {late.pk: True, on_time.pk: False, finished_late.pk: False}
    assert [c.pk for c in case_list(filters={"overdue": "true"}, today=TODAY)] == [late.pk]


def test_allowed_actions(staff):
    at_event = CaseFactory(event=held_event(), source="event")
    assert case_allowed_actions(case=at_event) == ["solve_on_site", "refer", "resolve", "close"]
    assert case_allowed_actions(case=CaseFactory()) == ["refer", "resolve", "close"]
    referred = case_refer(case=CaseFactory(), actor=staff, department=department(), deadline=TODAY)
    assert case_allowed_actions(case=referred) == ["refer", "progress", "resolve", "close"]
    closed = case_close(case=referred, actor=staff, explanation="x")
    assert case_allowed_actions(case=closed) == ["reopen", "rate"]


def test_transitions_are_only_appended(staff):
    case = CaseFactory()
    before = list(CaseTransition.objects.filter(case=case).values_list("pk", flat=True))
    case_close(case=case, actor=staff, explanation="重复件")
    after = list(CaseTransition.objects.filter(case=case).values_list("pk", flat=True))
    assert after[: len(before)] == before and len(after) == len(before) + 1


def test_record_on_site_raises_and_refers_in_one_transaction(staff):
    event = held_event(held_date=datetime.date(2026, 3, 15))
    case = case_record_on_site(
        event=event, actor=staff, kind="request", title="欠薪", next_step="refer", department=department(),
        deadline=datetime.date(2026, 4, 15), note="请跟进",
    )  # fmt: skip
    assert (case.status, case.raised_on, case.source) == ("referred", datetime.date(2026, 3, 15), "event")
    assert history(case) == [("", "raised"), ("raised", "referred")]
    with pytest.raises(ApplicationError) as error:
        case_record_on_site(event=event, actor=staff, kind="request", title="已解决", next_step="solve_on_site")
    assert set(error.value.fields) == {"outcome"}
    with pytest.raises(ApplicationError) as error:
        case_record_on_site(event=event, actor=staff, kind="request", title="乱填", next_step="later")
    assert set(error.value.fields) == {"next_step"}
    assert list(Case.objects.values_list("title", flat=True)) == ["欠薪"]  # the refused ones left nothing
