"""Permissions declared on API views. All of them start from the union whose host was called:
a membership of any other union counts for nothing, whatever the Host header says."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .selectors import membership_for


def request_membership(request):
    """The caller's membership of the request's union, looked up once per request."""
    if not hasattr(request, "_union_membership"):
        request._union_membership = membership_for(user=request.user, union=getattr(request, "tenant", None))
    return request._union_membership


class IsUnionMember(BasePermission):
    """Any role may read; only admin and staff may write."""

    def has_permission(self, request, view):
        membership = request_membership(request)
        if membership is None:
            return False
        return request.method in SAFE_METHODS or membership.can_write


class IsUnionReader(BasePermission):
    """Any member, whatever the method (for endpoints that are read-only by nature)."""

    def has_permission(self, request, view):
        return request_membership(request) is not None


class IsUnionAdmin(BasePermission):
    def has_permission(self, request, view):
        membership = request_membership(request)
        return membership is not None and membership.is_admin


class IsCityUnionMember(IsUnionMember):
    """A member of a city union, calling the city's own host."""

    def has_permission(self, request, view):
        membership = request_membership(request)
        return super().has_permission(request, view) and membership.union.is_city


class IsCityUnionAdmin(IsUnionAdmin):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request_membership(request).union.is_city


class IsOverseeingUnionMember(IsUnionMember):
    """A member of a city or a province union, calling its own host: it reads the unions below it."""

    def has_permission(self, request, view):
        membership = request_membership(request)
        return super().has_permission(request, view) and membership.union.oversees


class IsProvinceUnionMember(IsUnionMember):
    """A member of a province union, calling the province's own host."""

    def has_permission(self, request, view):
        membership = request_membership(request)
        return super().has_permission(request, view) and membership.union.is_province
