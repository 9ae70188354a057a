"""Sign in and out on a union's own host (session login)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from shared.accounts.selectors import membership_for
from web.access import denied, request_union


class UnionAuthenticationForm(AuthenticationForm):
    """Username and password, and a membership of the union whose host was called."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password."),
        "not_member": _("This account is not a member of %(union)s, so it cannot sign in here."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        union = request_union(self.request)
        if membership_for(user=user, union=union) is None:
            raise forms.ValidationError(
                self.error_messages["not_member"], code="not_member", params={"union": union.name if union else ""}
            )


class UnionLoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = UnionAuthenticationForm
    redirect_authenticated_user = False

    def dispatch(self, request, *args, **kwargs):
        if request_union(request) is None:
            return denied(request, _("This page is served on a union's own address."), status=404)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["union"] = request_union(self.request)
        return context


class UnionLogoutView(auth_views.LogoutView):
    next_page = "web:login"
