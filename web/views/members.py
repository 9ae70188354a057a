"""A union's people, for its administrators: members and roles, invitations, password-reset links; and, for a
city's administrators, the administrators of its counties (read-only, so they know whom to call)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared.accounts.invitations import invitation_create, invitation_pending_qs, invitation_withdraw, request_origin
from shared.accounts.models import Membership, Role
from shared.accounts.selectors import admins_of_unions, member_list
from shared.accounts.services import member_add_existing, member_change_role, member_remove
from shared.core.exceptions import ApplicationError
from shared.unions.selectors import union_children
from web.access import member_required
from web.forms import apply_error

from .account import RESET_EMAIL, MemberPasswordResetForm


class InviteForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=100, required=False)
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Email"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.STAFF)


class AddExistingForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username of the existing account"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.STAFF)


def _members_page(request, *, invite_form=None, add_form=None, status=200):
    union = request.tenant
    context = {
        "members": member_list(union=union),
        "invitations": invitation_pending_qs().filter(union=union).order_by("-created_at"),
        "invite_form": invite_form or InviteForm(prefix="invite"),
        "add_form": add_form or AddExistingForm(prefix="add"),
        "roles": Role.choices,
    }
    return render(request, "web/members/list.html", context, status=status)


@member_required(admin=True)
def member_list_view(request):
    return _members_page(request)


@require_POST
@member_required(admin=True)
def member_invite_view(request):
    form = InviteForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            invitation, _url = invitation_create(
                union=request.tenant, invited_by=request.user, origin=request_origin(request), **form.cleaned_data
            )
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(
                request,
                _("An invitation link has been sent to %(email)s; it is valid for 7 days.")
                % {"email": invitation.email},
            )
            return redirect("web:member-list")
    return _members_page(request, invite_form=form, status=400)


@require_POST
@member_required(admin=True)
def member_add_view(request):
    form = AddExistingForm(request.POST, prefix="add")
    if form.is_valid():
        try:
            membership = member_add_existing(union=request.tenant, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("%(name)s is now a member.") % {"name": membership.user.display_name()})
            return redirect("web:member-list")
    return _members_page(request, add_form=form, status=400)


def _membership(request, member_id: int) -> Membership:
    # Only this union's memberships: an id of another union is a 404 here.
    return get_object_or_404(member_list(union=request.tenant), pk=member_id)


@require_POST
@member_required(admin=True)
def member_role_view(request, member_id):
    membership = _membership(request, member_id)
    try:
        member_change_role(membership=membership, role=request.POST.get("role", ""))
    except ApplicationError as error:
        messages.error(request, " ".join([str(error.message)] + [str(r) for rs in error.fields.values() for r in rs]))
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": membership.user.display_name(), "role": membership.get_role_display()},
        )
    return redirect("web:member-list")


@require_POST
@member_required(admin=True)
def member_remove_view(request, member_id):
    membership = _membership(request, member_id)
    try:
        member_remove(membership=membership)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user.display_name()})
    return redirect("web:member-list")


@require_POST
@member_required(admin=True)
def member_password_reset_view(request, member_id):
    membership = _membership(request, member_id)
    user = membership.user
    if not user.email:
        messages.error(request, _("%(name)s has no email address.") % {"name": user.display_name()})
        return redirect("web:member-list")
    form = MemberPasswordResetForm(user=user)
    if not form.is_valid():  # an address saved before addresses were checked
        messages.error(request, _("%(name)s has no valid email address.") % {"name": user.display_name()})
        return redirect("web:member-list")
    form.save(request=request, use_https=request.is_secure(), **RESET_EMAIL)
    messages.success(request, _("A password-reset link has been sent to %(email)s.") % {"email": user.email})
    return redirect("web:member-list")


@require_POST
@member_required(admin=True)
def invitation_withdraw_view(request, invitation_id):
    invitation = get_object_or_404(invitation_pending_qs().filter(union=request.tenant), pk=invitation_id)
    invitation_withdraw(invitation=invitation)
    messages.success(request, _("The invitation of %(username)s is withdrawn.") % {"username": invitation.username})
    return redirect("web:member-list")


@member_required(city=True, admin=True)
def county_admins_view(request):
    counties = list(union_children(union=request.tenant))
    admins = admins_of_unions(unions=counties)
    rows = [{"union": county, "admins": admins.get(county.pk, [])} for county in counties]
    return render(request, "web/members/county_admins.html", {"rows": rows})
