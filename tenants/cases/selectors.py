"""Reads for cases (the union's own schema: the Host chose it)."""

from __future__ import annotations

import datetime
import hmac

from django.db import connection
from django.db.models import BooleanField, JSONField, Prefetch, Q, QuerySet, Value, When
from django.db.models import Case as Conditional
from django.db.models.expressions import RawSQL
from django.utils import timezone

from shared.catalogues.models import Department, Topic
from shared.core.filtering import filtered
from tenants.enterprises.models import Enterprise
from tenants.events.models import Event

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


def _ref(model, key: str, *columns: str) -> RawSQL:
    """The row the case's `key` column points to, as a JSON object of `columns` (NULL when the key is)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pairs = ", ".join(f"'{column}', r.{quote(column)}" for column in columns)
    case_key = f"{quote(Case._meta.db_table)}.{quote(key)}"
    return RawSQL(f"SELECT jsonb_build_object({pairs}) FROM {table} r WHERE r.id = {case_key}", (), JSONField())


def case_list_rows(*, filters: dict | None = None, today: datetime.date | None = None) -> QuerySet[Case]:
    """The API's case list, one query for the page whatever its size: the cases without their history (a
    case's history is on its detail), with their event, topic, department and enterprise as dicts
    (`event_ref`, `topic_ref`, `department_ref`, `enterprise_ref`) and the dispute (if any) joined.

    The references are scalar subqueries rather than joins: with six LEFT JOINs PostgreSQL spent about 25 ms
    planning every list request (it weighs each join order), against 0.6 ms this way. They are written as
    SQL because building and compiling them with the ORM cost more than the rest of the request's Python
    work; table names resolve through the union's search_path like the ORM's own."""
    today = today or timezone.localdate()
    queryset = (
        Case.objects.select_related("dispute", "dispute__respondent")
        .annotate(
            event_ref=_ref(Event, "event_id", "id", "number", "title"),
            topic_ref=_ref(Topic, "topic_id", "id", "name"),
            department_ref=_ref(Department, "department_id", "id", "name"),
            enterprise_ref=_ref(Enterprise, "enterprise_id", "id", "name", "credit_code"),
            is_overdue=Conditional(
                When(case_overdue_condition(today=today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("-raised_on", "-id")
    )
    return filtered(CaseFilter, filters=filters, queryset=queryset)


def case_list(*, filters: dict | None = None, today: datetime.date | None = None) -> QuerySet[Case]:
    """Cases of the current union, annotated with is_overdue; filters: status, kind, topic, department,
    overdue, event, date_from, date_to (date raised), q (keyword: title, description, submitter, enterprise)."""
    queryset = case_queryset(today=today)
    return filtered(CaseFilter, filters=filters, queryset=queryset)


def case_table(*, filters: dict | None = None, today: datetime.date | None = None) -> QuerySet[Case]:
    """Cases as the pages' case tables show them (title, kind, source, status, submitter, department,
    deadline, overdue): case_list without the history, event, topic, enterprise and dispute it loads for
    details, which a list page of 20 would otherwise build some 250 objects for."""
    queryset = case_list(filters=filters, today=today)
    return queryset.select_related(None).select_related("department").prefetch_related(None)


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
