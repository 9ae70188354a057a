"""Reads for cases (the union's own schema: the Host chose it)."""

from __future__ import annotations

import datetime
import hmac

from django.db.models import BooleanField, Prefetch, Q, QuerySet, Value, When
from django.db.models import Case as Conditional
from django.utils import timezone

from shared.core.filtering import filtered

from .filters import CaseFilter
from .models import FINISHED_STATUSES, Case, CaseTransition


def case_overdue_condition(*, today: datetime.date) -> Q:
    """The one definition of overdue: past its deadline on `today` and not finished (solved on site, resolved
    or closed). Lists, filters, the union's statistics and the nightly reminders all use it."""
    return Q(deadline__isnull=False, deadline__lt=today) & ~Q(status__in=FINISHED_STATUSES)


def case_queryset(*, today: datetime.date | None = None) -> QuerySet[Case]:
    """Cases with what lists and details show (event, topic, department, enterprise, dispute, history with
    actors), annotated with is_overdue: a fixed number of queries whatever the page size."""
    today = today or timezone.localdate()
    return (
        Case.objects.select_related("event", "topic", "department", "enterprise", "dispute", "dispute__respondent")
        .prefetch_related(
            Prefetch("transitions", queryset=CaseTransition.objects.select_related("actor").order_by("at", "id"))
        )
        .annotate(
            is_overdue=Conditional(
                When(case_overdue_condition(today=today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-raised_on", "-id")
    )


def case_list(*, filters: dict | None = None, today: datetime.date | None = None) -> QuerySet[Case]:
    """Cases of the current union, annotated with is_overdue; filters: status, kind, topic, department,
    overdue, event, date_from, date_to (date raised), q (keyword: title, description, submitter, enterprise)."""
    queryset = case_queryset(today=today)
    return filtered(CaseFilter, filters=filters, queryset=queryset)


def case_get(*, case_id) -> Case:
    return case_queryset().get(pk=case_id)


def case_for_receipt(*, receipt_code: str, phone_last4: str) -> Case | None:
    """The case of the current union with this receipt code whose submitter's phone ends in these 4 digits,
    else None, whichever of the two was wrong (the worker's page says nothing more). The code is read the
    way a worker types it: any case, spaces ignored."""
    code = "".join((receipt_code or "").split()).upper()
    if not code or len(phone_last4 or "") != 4 or not phone_last4.isdigit():
        return None
    case = Case.objects.filter(receipt_code=code).first()
    if case is None:
        return None
    digits = "".join(ch for ch in case.submitter_phone if ch.isdigit())
    if len(digits) < 4 or not hmac.compare_digest(digits[-4:], phone_last4):
        return None
    return case
