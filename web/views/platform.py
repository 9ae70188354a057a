"""The platform's own page on the bare base domain, for superusers: every union, a new union with its first
administrator's invitation, archive, restore, and delete (archived unions only, the code typed to confirm)."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared.accounts.invitations import domain_origin
from shared.accounts.onboarding import union_onboard
from shared.accounts.union_import import unions_import_template, unions_import_xlsx
from shared.core.exceptions import ApplicationError
from shared.unions.archiving import union_archive, union_delete, union_restore
from shared.unions.models import Union, UnionLevel
from shared.unions.selectors import union_list
from web.forms import apply_error


def superuser_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url="/admin/login/")
        if not (request.user.is_active and request.user.is_superuser):
            return render(
                request,
                "web/platform/denied.html",
                {"message": _("Only the platform's superusers can do this.")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


class UnionOnboardForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40, help_text=gettext_lazy("e.g. kecheng"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=UnionLevel.choices, initial=UnionLevel.COUNTY)
    parent_code = forms.ChoiceField(label=gettext_lazy("Parent union"), required=False)
    region_code = forms.CharField(label=gettext_lazy("Region code"), max_length=6, help_text="330802")
    domain = forms.CharField(
        label=gettext_lazy("Host name"),
        max_length=253,
        required=False,
        help_text=gettext_lazy("empty: <code>.<base domain>"),
    )
    admin_name = forms.CharField(label=gettext_lazy("First administrator's full name"), max_length=100, required=False)
    admin_username = forms.CharField(label=gettext_lazy("First administrator's username"), max_length=150)
    admin_email = forms.EmailField(label=gettext_lazy("First administrator's email"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A county's city, or a city's province.
        parents = Union.objects.filter(
            level__in=[UnionLevel.PROVINCE, UnionLevel.CITY], archived_on__isnull=True
        ).order_by("region_code")
        self.fields["parent_code"].choices = [("", "—")] + [(u.code, u.name) for u in parents]


class UnionImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"))


def _page(request, form=None, import_form=None, report=None, status=200):
    context = {
        "unions": union_list(),
        "form": form or UnionOnboardForm(),
        "import_form": import_form or UnionImportForm(),
        "report": report,
        "base_domain": settings.UNION_BASE_DOMAIN,
    }
    return render(request, "web/platform/unions.html", context, status=status)


@superuser_required
def platform_unions_view(request):
    return _page(request)


@require_POST
@superuser_required
def platform_union_create_view(request):
    form = UnionOnboardForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["domain"] = data["domain"] or f"{data['code']}.{settings.UNION_BASE_DOMAIN}"
        data["parent_code"] = data["parent_code"] or None
        origin = domain_origin(domain=data["domain"], scheme=request.scheme, port=request.get_port())
        try:
            union, invitation, url = union_onboard(**data, invited_by=request.user, origin=origin)
        except ApplicationError as error:
            apply_error(form, error, field_map={"region": "region_code", "parent": "parent_code"})
        else:
            messages.success(
                request,
                _("Created %(union)s. The invitation link for %(username)s has been sent to %(email)s: %(url)s")
                % {"union": union.name, "username": invitation.username, "email": invitation.email, "url": url},
            )
            return redirect("platform-unions")
    return _page(request, form=form, status=400)


@require_POST
@superuser_required
def platform_union_import_view(request):
    form = UnionImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        try:
            report = unions_import_xlsx(
                file=form.cleaned_data["file"], invited_by=request.user, scheme=request.scheme, port=request.get_port()
            )
        except ApplicationError as error:
            apply_error(form, error)
    return _page(request, import_form=form, report=report, status=200 if report else 400)


@superuser_required
def platform_union_import_template_view(request):
    """The sheet to fill in: the headings the import reads, and a second sheet on how to fill them in."""
    response = HttpResponse(
        unions_import_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="union-import-template.xlsx"'
    return response


def _union(code) -> Union:
    return get_object_or_404(Union, code=code)


def _act(request, action, success):
    try:
        action()
    except ApplicationError as error:
        reasons = [str(r) for rs in error.fields.values() for r in rs]
        messages.error(request, " ".join([str(error.message)] + reasons))
    else:
        messages.success(request, success)
    return redirect("platform-unions")


@require_POST
@superuser_required
def platform_union_archive_view(request, code):
    union = _union(code)
    return _act(request, lambda: union_archive(union=union), _("%(union)s is archived.") % {"union": union.name})


@require_POST
@superuser_required
def platform_union_restore_view(request, code):
    union = _union(code)
    return _act(request, lambda: union_restore(union=union), _("%(union)s is restored.") % {"union": union.name})


@require_POST
@superuser_required
def platform_union_delete_view(request, code):
    union = _union(code)
    return _act(
        request,
        lambda: union_delete(union=union, confirmation=request.POST.get("confirmation", "")),
        _("%(union)s and all its data are deleted.") % {"union": union.name},
    )
