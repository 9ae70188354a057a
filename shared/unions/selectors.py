from django.db.models import Q, QuerySet

from .models import Union


def union_children(*, union: Union) -> QuerySet[Union]:
    """The unions directly below `union` (a city's counties, a province's cities): the one query of a union's
    children, used by the pages, the roll-up, the assessment and the events' invitations."""
    return Union.objects.filter(parent=union).order_by("region_code", "code")


def union_child_get(*, union: Union, code: str) -> Union | None:
    """One of `union`'s children by its code; None for any other union (another city's county included)."""
    return union_children(union=union).filter(code=code).first()


def union_below(*, union: Union) -> QuerySet[Union]:
    """Every union below `union` in the tree: a city's counties; a province's cities and the counties under
    them. The one rule of which unions an overseeing union may see (compliance, rankings, drill-down); a
    county has nothing below it. One query, in registry order."""
    return Union.objects.filter(Q(parent=union) | Q(parent__parent=union)).order_by("region_code", "code")


def union_below_get(*, union: Union, code: str) -> Union | None:
    """One union below `union` by its code; None for any other (another province's city, a city's sibling)."""
    return union_below(union=union).filter(code=code).first()


def union_invitable(*, union: Union) -> QuerySet[Union]:
    """The unions an event of `union` may invite (a city's demonstration events): the city union and its
    counties, `union` itself excepted."""
    city = union.city()
    return (
        Union.objects.filter(Q(pk=city.pk) | Q(pk__in=union_children(union=city).values("pk")))
        .exclude(pk=union.pk)
        .filter(archived_on__isnull=True)  # an archived union is closed: nobody there can come
        .order_by("region_code", "code")
    )


def union_list() -> QuerySet[Union]:
    return Union.objects.select_related("parent").prefetch_related("domains").order_by("region_code", "code")
