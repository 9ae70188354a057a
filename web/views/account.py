"""One's own account on a union's host: accept an invitation, change one's password, and the
"forgot password" flow (Django's own views and token generator, kept to members of this union)."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.accounts.invitations import invitation_accept, invitation_for_token, invitation_renew, request_origin
from shared.accounts.models import Membership
from shared.accounts.selectors import membership_for
from shared.core.exceptions import ApplicationError
from web.access import denied, member_required, request_union
from web.forms import apply_error


def any_member(view):
    """A page of one's own account: every member of this union, whatever the role, may use it (also POST)."""
    return member_required(view, own_account=True)


def union_host_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request_union(request) is None:
            return denied(request, _("This page is served on a union's own address."), status=404)
        return view(request, *args, **kwargs)

    return wrapper


# --- Invitations -----------------------------------------------------------------------------------


class ChoosePasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=gettext_lazy("Password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ."))
        return data


def _invitation_unusable(request, invitation):
    """The page for a link that cannot be used as it is (unknown, used, withdrawn, expired), or None."""
    invalid = "web/account/invitation_invalid.html"
    if invitation is None:
        return render(request, invalid, {"reason": "unknown"}, status=404)
    for reason, ended in (("used", invitation.accepted_at), ("closed", invitation.closed_at)):
        if ended is not None:
            return render(request, invalid, {"reason": reason, "invitation": invitation})
    if invitation.expires_at > timezone.now():
        return None
    if request.method == "POST" and request.POST.get("renew"):
        try:
            invitation_renew(invitation=invitation, origin=request_origin(request))
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            return render(request, "web/account/invitation_renewed.html", {"invitation": invitation})
    return render(request, invalid, {"reason": "expired", "invitation": invitation})


@union_host_only
def invitation_view(request, token):
    invitation = invitation_for_token(union=request_union(request), token=token)
    unusable = _invitation_unusable(request, invitation)
    if unusable is not None:
        return unusable
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(invitation=invitation, password=form.cleaned_data["password"])
        except ApplicationError as error:
            apply_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("web:home")
    return render(request, "web/account/invitation.html", {"invitation": invitation, "form": form})


# --- Own password ----------------------------------------------------------------------------------


class OwnPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/account/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change_view = any_member(OwnPasswordChangeView.as_view())


# --- Forgot password (Django's views, limited to this union's members) ----------------------------


class UnionPasswordResetForm(PasswordResetForm):
    """Sends the link only to members of the union whose host was called; the answer is the same either way,
    so the form never tells whether an address belongs to someone."""

    union = None

    def get_users(self, email):
        members = set(Membership.objects.filter(union=self.union).values_list("user_id", flat=True))
        return (user for user in super().get_users(email) if user.pk in members)


class MemberPasswordResetForm(PasswordResetForm):
    """An administrator sends a member the same link as "forgot password" does, to the member's address."""

    def __init__(self, *args, user, **kwargs):
        super().__init__({"email": user.email}, *args, **kwargs)
        self.user = user

    def get_users(self, email):
        return [self.user] if self.user.is_active and self.user.has_usable_password() else []


RESET_EMAIL = {
    "subject_template_name": "web/account/password_reset_subject.txt",
    "email_template_name": "web/account/password_reset_email.txt",
}


class UnionPasswordResetView(auth_views.PasswordResetView):
    template_name = "web/account/password_reset.html"
    success_url = reverse_lazy("web:password-reset-done")
    form_class = UnionPasswordResetForm
    subject_template_name = RESET_EMAIL["subject_template_name"]
    email_template_name = RESET_EMAIL["email_template_name"]

    def form_valid(self, form):
        form.union = request_union(self.request)
        return super().form_valid(form)


class UnionPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/account/password_reset_confirm.html"
    success_url = reverse_lazy("web:password-reset-complete")

    def get_user(self, uidb64):
        # A link is good only on the host of a union its person belongs to.
        user = super().get_user(uidb64)
        if user is not None and membership_for(user=user, union=request_union(self.request)) is None:
            return None
        return user


password_reset_view = union_host_only(UnionPasswordResetView.as_view())
password_reset_done_view = union_host_only(
    auth_views.PasswordResetDoneView.as_view(template_name="web/account/password_reset_done.html")
)
password_reset_confirm_view = union_host_only(UnionPasswordResetConfirmView.as_view())
password_reset_complete_view = union_host_only(
    auth_views.PasswordResetCompleteView.as_view(template_name="web/account/password_reset_complete.html")
)
