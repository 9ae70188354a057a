from shared.unions.models import Union

from .models import Membership


def membership_for(*, user, union: Union | None) -> Membership | None:
    """The user's membership of exactly this union, or None. Memberships of other unions never count."""
    if union is None or user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, union=union).select_related("union").first()


def member_list(*, union: Union):
    return Membership.objects.filter(union=union).select_related("user").order_by("user__username")


def admins_of_unions(*, unions) -> dict[int, list]:
    """The active administrators of each of these unions, by union id (one query)."""
    from .models import Role

    result: dict[int, list] = {}
    rows = (
        Membership.objects.filter(union__in=list(unions), role=Role.ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    for membership in rows:
        result.setdefault(membership.union_id, []).append(membership.user)
    return result
