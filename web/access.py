"""Who may open a page: a member of the union whose host was called, with the right role.

A membership of any other union counts for nothing, whatever the Host header says. Viewers read:
write forms are hidden from them (``request.membership.can_write`` in templates) and any POST from
them is refused with 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _

from shared.accounts.selectors import membership_for


def request_union(request):
    """The union whose host was called, or None on the public host."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", "public") == "public":
        return None
    return tenant


def denied(request, message, *, status=403):
    return render(request, "web/denied.html", {"message": message}, status=status)


def membership_or_refusal(request):
    """(membership, None) for a member of the union whose host was called, or (None, the refusal page)."""
    union = request_union(request)
    if union is None:
        return None, denied(request, _("This page is served on a union's own address."), status=404)
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    membership = membership_for(user=request.user, union=union)
    if membership is None:
        return None, denied(
            request,
            _("Your account is not a member of %(union)s. Sign in with an account of this union.")
            % {"union": union.name},
        )
    return membership, None


def member_required(
    view=None,
    *,
    write: bool = False,
    city: bool = False,
    oversees: bool = False,
    admin: bool = False,
    own_account: bool = False,
):
    """Decorate a page view of a union host.

    write: the page itself is a form that changes data (admin and staff only, also for GET).
    city: only a city union's members (the city's own host).
    oversees: only the members of a city or a province union (its own host): the pages about the unions below.
    admin: only the union's administrators.
    own_account: a page of one's own account (e.g. one's password): every role may use it, POST included.
    Otherwise, whatever the flags, a POST needs a role that may write.
    """

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            membership, refusal = membership_or_refusal(request)
            if refusal is not None:
                return refusal
            request.membership = membership
            if city and not request_union(request).is_city:
                return denied(request, _("Only a city union's staff can open this page."))
            if oversees and not request_union(request).oversees:
                return denied(request, _("Only a city or province union's staff can open this page."))
            if admin and not membership.is_admin:
                return denied(request, _("Only the union's administrators can do this."))
            writes = write or request.method not in ("GET", "HEAD", "OPTIONS")
            if writes and not own_account and not membership.can_write:
                return denied(request, _("Your role can read but not change anything."))
            return func(request, *args, **kwargs)

        return wrapper

    if view is not None:
        return decorator(view)
    return decorator
