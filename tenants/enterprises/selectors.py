"""Reads for enterprises (the union's own schema: the Host chose it)."""

from __future__ import annotations

from django.db.models import QuerySet

from shared.core.filtering import filtered

from .filters import EnterpriseFilter
from .models import Enterprise


def enterprise_list(*, filters: dict | None = None) -> QuerySet[Enterprise]:
    """Enterprises of the current union; filters: search (name or credit code), industry, town,
    union_established, harmony_level."""
    return filtered(EnterpriseFilter, filters=filters or {}, queryset=Enterprise.objects.all())


def enterprise_get(*, enterprise_id: int) -> Enterprise:
    return Enterprise.objects.get(pk=enterprise_id)
