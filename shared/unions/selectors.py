from django.db.models import QuerySet

from .models import Union


def union_get_by_code(*, code: str) -> Union | None:
    return Union.objects.filter(code=code).first()


def union_children(*, union: Union) -> QuerySet[Union]:
    return Union.objects.filter(parent=union).order_by("region_code", "code")


def union_list() -> QuerySet[Union]:
    return Union.objects.select_related("parent").prefetch_related("domains").order_by("region_code", "code")
