"""Writes for cases (问题/诉求): raise, then follow to an outcome. Each step checks with the state machine
(tenants.cases.workflow) that it makes sense for the case's status and records a CaseTransition (who, when,
from, to, note), the raise included."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared.catalogues.models import Department, Topic
from shared.core.concurrency import ensure_unchanged
from shared.core.exceptions import ApplicationError
from tenants.enterprises.models import Enterprise
from tenants.events.models import Event, EventStatus
from tenants.events.services import event_record_mark_complete

from . import workflow
from .models import Case, CaseKind, CaseSource, CaseStatus, CaseTransition, DisputeDetail


def _fields_error(errors: dict[str, list]) -> ApplicationError:
    return ApplicationError(_("Some fields are not valid."), fields=errors)


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _lock(case: Case, *, expected_updated_at: datetime.datetime | None = None) -> Case:
    """The case's row, locked; with `expected_updated_at` (the version the caller read), a case someone else
    changed in between (another step, a correction) is refused with a conflict (409) before anything is
    checked, instead of being stepped or overwritten on the strength of what the caller saw."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    ensure_unchanged(current=locked.updated_at, expected=expected_updated_at)
    return locked


def _record(case: Case, *, actor, from_status: str, note: str = "", by_submitter: bool = False) -> CaseTransition:
    # An actor without an account (a department liaison) names itself through `history_name`.
    return CaseTransition.objects.create(
        case=case,
        from_status=from_status,
        to_status=case.status,
        actor=None if by_submitter else _user(actor),
        actor_name=str(getattr(actor, "history_name", "") or "")[:200],
        note=note,
        by_submitter=by_submitter,
    )


def _move(case: Case, *, actor, to_status: str, note: str = "", by_submitter: bool = False, **changes) -> Case:
    from_status = case.status
    case.status = to_status
    for name, value in changes.items():
        setattr(case, name, value)
    case.save()
    _record(case, actor=actor, from_status=from_status, note=note, by_submitter=by_submitter)
    if case.event_id is not None and from_status == CaseStatus.RAISED and to_status != CaseStatus.RAISED:
        # The last case of an event taken past "raised" may complete the event's record.
        event_record_mark_complete(event=case.event)
    return case


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _amount(value, field: str, errors: dict, *, required: bool) -> Decimal | None:
    if value is None or value == "":
        if required:
            errors[field] = [_("An amount is required (0 when nothing is claimed).")]
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = [_("Not a valid amount.")]
        return None
    if not amount.is_finite() or amount < 0:
        errors[field] = [_("An amount cannot be negative.")]
        return None
    if amount.as_tuple().exponent < -2 or abs(amount) >= Decimal("1e10"):
        errors[field] = [_("Amounts have at most 10 digits before and 2 after the decimal point.")]
        return None
    return amount


def _dispute_detail(dispute: dict) -> DisputeDetail:
    """Parse and check the dispute's parties and money (before anything is saved)."""
    errors: dict[str, list] = {}
    applicants = dispute.get("applicants") or ""
    if isinstance(applicants, list | tuple):
        applicants = "\n".join(_text(name) for name in applicants if _text(name))
    applicants = _text(applicants)
    if not applicants:
        errors["dispute.applicants"] = [_("A dispute needs at least one applicant.")]
    respondent = dispute.get("respondent")
    if respondent is not None and not isinstance(respondent, Enterprise):
        respondent = Enterprise.objects.filter(pk=respondent).first()
        if respondent is None:
            errors["dispute.respondent"] = [_("Unknown enterprise.")]
    respondent_name = _text(dispute.get("respondent_name"))
    if respondent is None and not respondent_name and "dispute.respondent" not in errors:
        errors["dispute.respondent"] = [_("Name the respondent enterprise.")]
    claimed = _amount(dispute.get("claimed_amount", 0), "dispute.claimed_amount", errors, required=True)
    agreed = _amount(dispute.get("agreed_amount"), "dispute.agreed_amount", errors, required=False)
    if errors:
        raise _fields_error(errors)
    return DisputeDetail(
        applicants=applicants,
        respondent=respondent,
        respondent_name=respondent_name or (respondent.name if respondent else ""),
        claimed_amount=claimed,
        agreed_amount=agreed,
        outcome=_text(dispute.get("outcome")),
    )


def _lookup(model, value, field: str, errors: dict, message):
    """An instance as given, or found by its primary key; None and a field error when the key is unknown."""
    if value is None or isinstance(value, model):
        return value
    found = model.objects.filter(pk=value).first()
    if found is None:
        errors[field] = [message]
    return found


def _check_kind(*, kind: str, source: str, title: str, errors: dict) -> None:
    if kind not in CaseKind.values:
        errors["kind"] = [_("Unknown kind of case.")]
    if source not in CaseSource.values:
        errors["source"] = [_("Unknown source.")]
    if not _text(title):
        errors["title"] = [_("A title is required.")]


def _check_event(*, event: Event | None, source: str, errors: dict) -> None:
    if event is None and source == CaseSource.EVENT and "event" not in errors:
        errors["event"] = [_("A case raised at an event needs the event.")]
    if event is not None and event.status == EventStatus.CANCELLED:
        errors["event"] = [_("A cancelled event cannot receive cases.")]
    if event is not None and source in (CaseSource.SURVEY, CaseSource.HOTLINE):
        errors["source"] = [_("Cases from a survey or the hotline are not raised at an event.")]


def _raised_on(raised_on: datetime.date | None, event: Event | None, errors: dict) -> datetime.date:
    """The day given, else the event's held date, else today; never in the future."""
    today = timezone.localdate()
    if raised_on is None:
        raised_on = event.held_date if event is not None and event.held_date else today
    if raised_on > today:
        errors["raised_on"] = [_("The date raised cannot be in the future.")]
    return raised_on


def _check_dispute(*, kind: str, dispute: dict | None, errors: dict) -> None:
    if kind == CaseKind.DISPUTE and not dispute:
        errors["dispute"] = [_("A labour dispute needs its applicants, respondent and amounts.")]
    if kind != CaseKind.DISPUTE and dispute:
        errors["dispute"] = [_("Only a labour dispute case has dispute details.")]


RATING_COMMENT_LENGTH = 500  # a worker's comment with the rating
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: read aloud or typed from a phone


def receipt_code_new() -> str:
    """An 8-character code no other case of this union has (32**8 codes: a clash is rare, and retried)."""
    while True:
        code = "".join(secrets.choice(RECEIPT_ALPHABET) for _position in range(8))
        if not Case.objects.filter(receipt_code=code).exists():
            return code


@transaction.atomic
def case_raise(
    *,
    actor,
    kind: str,
    title: str,
    description: str = "",
    event=None,
    source: str = CaseSource.EVENT,
    submitter_name: str = "",
    submitter_phone: str = "",
    enterprise=None,
    topic=None,
    raised_on: datetime.date | None = None,
    dispute: dict | None = None,
) -> Case:
    """A new case in status raised. `actor` may be None (a worker's QR submission)."""
    errors: dict[str, list] = {}
    _check_kind(kind=kind, source=source, title=title, errors=errors)
    event = _lookup(Event, event, "event", errors, _("Unknown event."))
    _check_event(event=event, source=source, errors=errors)
    enterprise = _lookup(Enterprise, enterprise, "enterprise", errors, _("Unknown enterprise."))
    topic = _lookup(Topic, topic, "topic", errors, _("Unknown topic."))
    raised_on = _raised_on(raised_on, event, errors)
    _check_dispute(kind=kind, dispute=dispute, errors=errors)
    if errors:
        raise _fields_error(errors)
    detail = _dispute_detail(dispute) if dispute else None

    case = Case(
        event=event,
        source=source,
        kind=kind,
        title=_text(title),
        description=_text(description),
        submitter_name=_text(submitter_name),
        submitter_phone=_text(submitter_phone),
        enterprise=enterprise,
        topic=topic if topic is not None else (event.topic if event is not None else None),
        raised_on=raised_on,
        created_by=_user(actor),
        receipt_code=receipt_code_new() if source == CaseSource.QR or submitter_phone.strip() else "",
    )
    case.full_clean(validate_unique=False, validate_constraints=False)
    case.save()
    if detail is not None:
        detail.case = case
        detail.save()
    _record(case, actor=actor, from_status="", note=_("Raised"))
    return case


# What happens to a case recorded on site, at once: nothing yet (followed up later), or one of these steps.
ON_SITE_NEXT_STEPS = ("raised", "solve_on_site", "refer")


@transaction.atomic
def case_record_on_site(
    *,
    event,
    actor,
    kind: str,
    title: str,
    description: str = "",
    submitter_name: str = "",
    submitter_phone: str = "",
    dispute: dict | None = None,
    next_step: str = "raised",
    outcome: str = "",
    department=None,
    deadline: datetime.date | None = None,
    note: str = "",
) -> Case:
    """A case raised at an event (on the day it was held) and, in the same transaction, solved on site or
    referred with a deadline. When any part is refused nothing is saved."""
    if next_step not in ON_SITE_NEXT_STEPS:
        raise _fields_error({"next_step": [_("Unknown next step.")]})
    case = case_raise(
        actor=actor,
        kind=kind,
        title=title,
        description=description,
        event=event,
        source=CaseSource.EVENT,
        submitter_name=submitter_name,
        submitter_phone=submitter_phone,
        dispute=dispute,
    )
    if next_step == "solve_on_site":
        return case_solve_on_site(case=case, actor=actor, outcome=outcome)
    if next_step == "refer":
        return case_refer(case=case, actor=actor, department=department, deadline=deadline, note=note)
    return case


@transaction.atomic
def case_solve_on_site(
    *, case: Case, actor, outcome: str, expected_updated_at: datetime.datetime | None = None
) -> Case:
    """Answered or solved there and then, at the event."""
    outcome = _text(outcome)
    case = _lock(case, expected_updated_at=expected_updated_at)
    workflow.step_require(case=case, name="solve_on_site")
    if not outcome:
        raise _fields_error({"outcome": [_("Say how the case was solved.")]})
    return _move(
        case, actor=actor, to_status=CaseStatus.SOLVED_ON_SITE, note=outcome, outcome=outcome,
        finished_on=timezone.localdate(),
    )  # fmt: skip


@transaction.atomic
def case_refer(
    *,
    case: Case,
    actor,
    department,
    deadline: datetime.date,
    note: str = "",
    expected_updated_at: datetime.datetime | None = None,
) -> Case:
    """Hand the case to a government department with a deadline (again, to change either)."""
    errors: dict[str, list] = {}
    if department is not None and not isinstance(department, Department):
        department = Department.objects.filter(pk=department).first()
        if department is None:
            errors["department"] = [_("Unknown department.")]
    elif department is None:
        errors["department"] = [_("A referred case needs a department.")]
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = [_("A referred case needs a deadline.")]
    case = _lock(case, expected_updated_at=expected_updated_at)
    workflow.step_require(case=case, name="refer")
    if isinstance(deadline, datetime.date) and deadline < case.raised_on:
        errors["deadline"] = [_("The deadline cannot be before the day the case was raised.")]
    if errors:
        raise ApplicationError(
            _("A case is referred to a department with a deadline."), code="referral_incomplete", fields=errors
        )
    return _move(
        case, actor=actor, to_status=CaseStatus.REFERRED, note=_text(note), department=department, deadline=deadline
    )


@transaction.atomic
def case_mark_progress(*, case: Case, actor, note: str, expected_updated_at: datetime.datetime | None = None) -> Case:
    """The department reports progress on a referred case."""
    note = _text(note)
    case = _lock(case, expected_updated_at=expected_updated_at)
    workflow.step_require(case=case, name="progress")
    if not note:
        raise _fields_error({"note": [_("Say what progress was made.")]})
    return _move(case, actor=actor, to_status=CaseStatus.IN_PROGRESS, note=note)


@transaction.atomic
def case_resolve(*, case: Case, actor, outcome: str, expected_updated_at: datetime.datetime | None = None) -> Case:
    """The problem is solved; the outcome says how."""
    outcome = _text(outcome)
    case = _lock(case, expected_updated_at=expected_updated_at)
    workflow.step_require(case=case, name="resolve")
    if not outcome:
        raise _fields_error({"outcome": [_("A resolved case needs its outcome.")]})
    return _move(
        case, actor=actor, to_status=CaseStatus.RESOLVED, note=outcome, outcome=outcome,
        finished_on=timezone.localdate(),
    )  # fmt: skip


@transaction.atomic
def case_close(*, case: Case, actor, explanation: str, expected_updated_at: datetime.datetime | None = None) -> Case:
    """Closed without the requested result, with an explanation for the submitter (e.g. not lawful)."""
    explanation = _text(explanation)
    case = _lock(case, expected_updated_at=expected_updated_at)
    workflow.step_require(case=case, name="close")
    if not explanation:
        raise _fields_error({"explanation": [_("A case is closed with an explanation.")]})
    return _move(
        case, actor=actor, to_status=CaseStatus.CLOSED, note=explanation, outcome=explanation,
        finished_on=timezone.localdate(),
    )  # fmt: skip


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str, expected_updated_at: datetime.datetime | None = None) -> Case:
    """A finished case is open again (the submitter is not satisfied, new facts): back to raised, without
    its deadline, rating, outcome and finish date (the outcome stays in the history); the department it was
    last referred to stays, as the one that engaged with it."""
    reason = _text(reason)
    case = _lock(case, expected_updated_at=expected_updated_at)
    workflow.step_require(case=case, name="reopen")
    if not reason:
        raise _fields_error({"reason": [_("A reason is required to reopen a case.")]})
    return _move(
        case, actor=actor, to_status=CaseStatus.RAISED, note=reason, finished_on=None, deadline=None,
        satisfaction=None, outcome="",
    )  # fmt: skip


@transaction.atomic
def case_rate(
    *,
    case: Case,
    actor,
    satisfaction: int,
    comment: str = "",
    by_submitter: bool = False,
    expected_updated_at: datetime.datetime | None = None,
) -> Case:
    """The satisfaction rating (回访), 1 to 5, of a finished case, with an optional comment; recorded in the
    history too. Staff record it for the worker (a phone call); ``by_submitter`` is the worker rating it
    themselves through the receipt code (/r/): no actor, and only once per finish (a reopened case that
    finishes again can be rated again)."""
    if (
        isinstance(satisfaction, bool)
        or not isinstance(satisfaction, int)
        or satisfaction not in workflow.SATISFACTION_SCALE
    ):
        raise _fields_error({"satisfaction": [_("Satisfaction is a whole number from 1 to 5.")]})
    comment = _text(comment)
    if len(comment) > RATING_COMMENT_LENGTH:
        raise _fields_error({"comment": [_("At most %(n)d characters, please.") % {"n": RATING_COMMENT_LENGTH}]})
    case = _lock(case, expected_updated_at=expected_updated_at)
    workflow.step_require(case=case, name="rate")
    if by_submitter and case.satisfaction is not None:
        raise ApplicationError(_("This case has been rated already. Thank you."), code="already_rated")
    note = _("Satisfaction: %(n)d") % {"n": satisfaction}
    if comment:
        note = f"{note}\n{comment}"
    return _move(
        case, actor=None if by_submitter else actor, to_status=case.status, note=note, satisfaction=satisfaction,
        by_submitter=by_submitter,
    )  # fmt: skip


# What a correction may change: the record of what was raised, never the status (the steps do that).
CORRECTABLE_FIELDS = ("title", "description", "submitter_name", "submitter_phone", "enterprise", "topic", "raised_on")
DISPUTE_CORRECTABLE_FIELDS = ("applicants", "respondent_name", "claimed_amount", "agreed_amount", "outcome")


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Enterprise | Topic):
        return value.name
    return str(value)


def _correct_case_fields(case: Case, changes: dict, errors: dict) -> dict:
    """Checked new values of the case's own fields, by name."""
    values = {}
    for name, value in changes.items():
        if name in ("title", "description", "submitter_name", "submitter_phone"):
            value = _text(value)
            if name == "title" and not value:
                errors["title"] = [_("A title is required.")]
        elif name == "enterprise":
            value = _lookup(Enterprise, value or None, "enterprise", errors, _("Unknown enterprise."))
        elif name == "topic":
            value = _lookup(Topic, value or None, "topic", errors, _("Unknown topic."))
        elif name == "raised_on":
            if not isinstance(value, datetime.date):
                errors["raised_on"] = [_("Give the day the case was raised.")]
                continue
            if value > timezone.localdate():
                errors["raised_on"] = [_("The date raised cannot be in the future.")]
            if case.finished_on and value > case.finished_on:
                errors["raised_on"] = [_("The date raised cannot be after the day the case was finished.")]
        values[name] = value
    return values


def _correct_dispute_fields(case: Case, dispute: dict, errors: dict) -> dict:
    values = {}
    for name, value in dispute.items():
        if name in ("claimed_amount", "agreed_amount"):
            value = _amount(value, f"dispute.{name}", errors, required=name == "claimed_amount")
        else:
            value = _text(value)
            if name == "applicants" and not value:
                errors["dispute.applicants"] = [_("A dispute needs at least one applicant.")]
        values[name] = value
    return values


def _apply_correction(record, values: dict) -> list[str]:
    """Set the values that differ on `record` (a case or its dispute detail); one "field: old → new" line each."""
    lines = []
    for name, value in values.items():
        if getattr(record, name) != value:
            field = type(record)._meta.get_field(name).verbose_name
            lines.append(f"{field}: {_shown(getattr(record, name))} → {_shown(value)}")
            setattr(record, name, value)
    return lines


@transaction.atomic
def case_correct(
    *,
    case: Case,
    actor,
    reason: str,
    dispute: dict | None = None,
    expected_updated_at: datetime.datetime | None = None,
    **changes,
) -> Case:
    """Correct what was recorded of a case (a wrong title, the submitter's phone, the enterprise, a dispute's
    agreed amount or mediation outcome...). The status is not touched; the history records who corrected
    what, from what to what, and why. With `expected_updated_at` (the version the editor read), a case
    changed by someone else in between is refused with a conflict instead of being overwritten."""
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS)) + sorted(
        f"dispute.{name}" for name in set(dispute or {}) - set(DISPUTE_CORRECTABLE_FIELDS)
    )
    if unknown:
        raise ApplicationError(
            _("These fields cannot be corrected: %(fields)s.") % {"fields": ", ".join(unknown)}, code="not_editable"
        )
    case = _lock(case, expected_updated_at=expected_updated_at)
    errors: dict[str, list] = {}
    reason = _text(reason)
    if not reason:
        errors["reason"] = [_("Say why the case is corrected.")]
    detail = DisputeDetail.objects.filter(case=case).first()
    if dispute and detail is None:
        errors["dispute"] = [_("Only a labour dispute case has dispute details.")]
    values = _correct_case_fields(case, changes, errors)
    dispute_values = _correct_dispute_fields(case, dispute or {}, errors) if detail is not None else {}
    if errors:
        raise _fields_error(errors)

    lines = _apply_correction(case, values) + _apply_correction(detail, dispute_values)
    if not lines:
        raise _fields_error({"reason": [_("Nothing was changed.")]})
    case.save()
    if detail is not None:
        detail.save()
    note = _("Corrected: %(reason)s") % {"reason": reason} + "\n" + "\n".join(lines)
    _record(case, actor=actor, from_status=case.status, note=note)
    return case
