"""Reads of the shared catalogues (public schema; the same lists for every union of the deployment)."""

from django.db.models import QuerySet

from .models import CatalogueEntry, Department, Topic


def catalogue_list(*, model: type[CatalogueEntry], include_inactive: bool = False) -> QuerySet:
    """The entries of one catalogue (Topic or Department); those out of use only when asked for."""
    queryset = model.objects.all()
    return queryset if include_inactive else queryset.filter(is_active=True)


def topic_list(*, include_inactive: bool = False) -> QuerySet[Topic]:
    return catalogue_list(model=Topic, include_inactive=include_inactive)


def department_list(*, include_inactive: bool = False) -> QuerySet[Department]:
    return catalogue_list(model=Department, include_inactive=include_inactive)
