"""Applying a django-filter FilterSet the one way every list selector does: bad filters are an error."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .exceptions import ApplicationError


def filtered(filterset_class, *, filters: dict | None, queryset: QuerySet) -> QuerySet:
    """`queryset` narrowed by `filters`; ApplicationError naming each bad filter when any is not valid."""
    if not filters:
        return queryset
    filterset = filterset_class(filters, queryset=queryset)
    if not filterset.is_valid():
        raise ApplicationError(_("Some filters are not valid."), fields=dict(filterset.errors))
    return filterset.qs
