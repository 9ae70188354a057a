"""Reads for department liaisons (the union's own schema)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from tenants.cases.models import FINISHED_STATUSES, Case
from tenants.cases.selectors import case_queryset

from .models import Liaison, LiaisonLink
from .services import ANSWERABLE_STATUSES

ANSWERED_SHOWN = 20  # finished cases a department page lists below the open ones


def liaison_list() -> QuerySet[Liaison]:
    return Liaison.objects.select_related("department").order_by("department__name", "name", "pk")


def liaison_get(*, liaison_id) -> Liaison | None:
    return liaison_list().filter(pk=liaison_id).first()


def link_list(*, live_only: bool = False) -> QuerySet[LiaisonLink]:
    links = LiaisonLink.objects.select_related("liaison", "liaison__department").order_by("-created_at", "-pk")
    if live_only:
        links = links.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
    return links


def department_cases(*, department_id: int) -> dict[str, list[Case]]:
    """What a liaison's page shows: this union's cases referred to the department, the open ones (to answer,
    nearest deadline first) and the latest answered ones. Nothing of another department."""
    cases = case_queryset().filter(department_id=department_id)
    return {
        "open": list(cases.filter(status__in=ANSWERABLE_STATUSES).order_by("deadline", "pk")),
        "answered": list(
            cases.filter(status__in=FINISHED_STATUSES, transitions__to_status="referred")
            .distinct()
            .order_by("-finished_on", "-pk")[:ANSWERED_SHOWN]
        ),
    }
