"""Reads of the shared catalogues (public schema; the same lists for every union of the deployment)."""

from django.db.models import QuerySet

from .models import Department, Topic


def topic_list(*, include_inactive: bool = False) -> QuerySet[Topic]:
    queryset = Topic.objects.all()
    return queryset if include_inactive else queryset.filter(is_active=True)


def department_list(*, include_inactive: bool = False) -> QuerySet[Department]:
    queryset = Department.objects.all()
    return queryset if include_inactive else queryset.filter(is_active=True)
