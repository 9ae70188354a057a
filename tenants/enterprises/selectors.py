"""Reads for enterprises (the union's own schema: the Host chose it)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shared.core.exceptions import ApplicationError

from .filters import EnterpriseFilter
from .models import Enterprise


def enterprise_list(*, filters: dict | None = None) -> QuerySet[Enterprise]:
    """Enterprises of the current union; filters: search (name or credit code), industry, town,
    union_established, harmony_level."""
    filterset = EnterpriseFilter(filters or {}, queryset=Enterprise.objects.all())
    if not filterset.is_valid():
        raise ApplicationError(_("Some filters are not valid."), fields=dict(filterset.errors))
    return filterset.qs


def enterprise_get(*, enterprise_id: int) -> Enterprise:
    return Enterprise.objects.get(pk=enterprise_id)
