"""Forms of the pages. They only parse and check the shape of the input; the rules live in the services,
whose ApplicationError is turned into form errors by ``apply_error``."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shared.catalogues.models import Department
from shared.catalogues.selectors import department_list, topic_list
from shared.core.exceptions import ApplicationError
from tenants.cases.models import CaseKind, CaseSource, CaseStatus
from tenants.cases.services import ON_SITE_NEXT_STEPS
from tenants.cases.workflow import SATISFACTION_SCALE, STEPS, Step
from tenants.enterprises.models import Enterprise, HarmonyLevel
from tenants.events.models import EventStatus, VenueKind
from tenants.events.services import MAX_UNREGISTERED_ENTERPRISES, MAX_WORKER_ATTENDANCE
from tenants.planning.models import SuggestionSource


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def apply_error(form: forms.Form, error: ApplicationError, field_map: dict | None = None) -> None:
    """Put a service's ApplicationError on the form: field reasons next to their fields, the rest on top."""
    field_map = field_map or {}
    placed = False
    for name, reasons in (error.fields or {}).items():
        target = field_map.get(name, name)
        for reason in reasons:
            form.add_error(target if target in form.fields else None, str(reason))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


def topic_field(required=False, label=None):
    return forms.ModelChoiceField(
        queryset=topic_list(),
        required=required,
        label=_("Topic") if label is None else label,
        empty_label=_("— choose —"),
    )


def departments_field(label=None):
    return forms.ModelMultipleChoiceField(
        queryset=department_list(),
        required=False,
        label=_("Partner departments") if label is None else label,
        widget=forms.CheckboxSelectMultiple,
    )


class VersionField(forms.CharField):
    """The version of the record the form was filled from (its `updated_at`, ISO 8601 with microseconds),
    sent back hidden so the service can refuse a save over someone else's change (409 conflict)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return None  # a mangled version: save as a client without one would


def version_of(record) -> str:
    return record.updated_at.isoformat()


def refresh_version(form: forms.Form, record, field: str = "version") -> None:
    """After a conflict: keep what was typed, but base the next save on the version now stored, so saving
    again (after looking) deliberately applies the typed changes over it."""
    form.data = form.data.copy()
    form.data[form.add_prefix(field)] = version_of(record)
    form.add_error(None, _("What you typed is kept below: saving again applies it over the current version."))


class EventForm(forms.Form):
    title = forms.CharField(label=_("Theme"), max_length=200)
    topic = topic_field()
    planned_date = forms.DateField(label=_("Planned date"), widget=DateInput)
    venue_kind = forms.ChoiceField(label=_("Venue kind"), choices=VenueKind.choices)
    venue_name = forms.CharField(label=_("Venue"), max_length=200, required=False)
    departments = departments_field()
    invited_unions = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Invited unions"), widget=forms.CheckboxSelectMultiple
    )
    version = VersionField()

    def __init__(self, *args, invitable=None, **kwargs):
        super().__init__(*args, **kwargs)
        if invitable is None:
            del self.fields["invited_unions"]
        else:
            self.fields["invited_unions"].queryset = invitable
            self.fields["invited_unions"].help_text = _("For a city demonstration event: the unions invited to it.")


class PreparationForm(forms.Form):
    prep_laws_studied = forms.BooleanField(label=_("Laws and regulations studied"), required=False)
    prep_participants_confirmed = forms.BooleanField(label=_("Participants confirmed"), required=False)
    prep_causes_analysed = forms.BooleanField(label=_("Causes of problems analysed"), required=False)
    prep_demands_discussed = forms.BooleanField(label=_("Workers' demands discussed"), required=False)


class RecordHeldForm(forms.Form):
    held_date = forms.DateField(label=_("Held on"), widget=DateInput)
    worker_attendance = forms.IntegerField(label=_("Worker attendance"), min_value=0, max_value=MAX_WORKER_ATTENDANCE)
    enterprises = forms.ModelMultipleChoiceField(
        queryset=Enterprise.objects.none(),
        required=False,
        label=_("Enterprises reached"),
        widget=forms.CheckboxSelectMultiple,
    )
    unregistered_enterprise_count = forms.IntegerField(
        label=_("Other enterprises (not in the list)"), min_value=0, max_value=MAX_UNREGISTERED_ENTERPRISES, initial=0
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprises is not None:
            self.fields["enterprises"].queryset = enterprises


class CancelForm(forms.Form):
    # optional here: event_cancel says that a reason is required
    reason = forms.CharField(label=_("Reason for cancelling"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MediaReportForm(forms.Form):
    outlet = forms.CharField(label=_("Outlet"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=200)
    published_on = forms.DateField(label=_("Published on"), widget=DateInput)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")


class EventFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + EventStatus.choices)
    topic = topic_field(label=_("Topic"))
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)


# A service's error on a dispute's field ("dispute.applicants") is shown next to the page's field.
DISPUTE_FIELDS = {
    "dispute.applicants": "applicants",
    "dispute.respondent": "respondent_name",
    "dispute.claimed_amount": "claimed_amount",
}


class DisputeFieldsForm(forms.Form):
    """The few dispute fields a page asks for; case_raise checks them (applicants, respondent, amount)."""

    applicants = forms.CharField(
        label=_("Dispute: applicants (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    respondent_name = forms.CharField(label=_("Dispute: respondent"), max_length=200, required=False)
    claimed_amount = forms.DecimalField(
        label=_("Dispute: amount claimed (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )

    def dispute(self) -> dict | None:
        data = self.cleaned_data
        if data.get("kind") != CaseKind.DISPUTE:
            return None
        return {
            "applicants": data.get("applicants", ""),
            "respondent_name": data.get("respondent_name", ""),
            "claimed_amount": data.get("claimed_amount") or 0,
        }

    def service_input(self) -> dict:
        """The parsed input as the case services take it: the dispute's fields gathered into `dispute`."""
        values = {name: value for name, value in self.cleaned_data.items() if name not in DISPUTE_FIELDS.values()}
        return values | {"dispute": self.dispute()}


def _next_step_choices():
    labels = {"raised": _("Record only (follow up later)")} | {name: step.label for name, step in STEPS.items()}
    return [(name, labels[name]) for name in ON_SITE_NEXT_STEPS]


class OnSiteCaseForm(DisputeFieldsForm):
    """A new case at an event, in a few taps: what it is, and what happened to it on the spot. Only parsed
    here: case_record_on_site says what is missing (a referral's department, a solution's answer)."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=CaseKind.choices, initial=CaseKind.REQUEST, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Problem in one line"), max_length=200)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    submitter_name = forms.CharField(label=_("Raised by"), max_length=100, required=False)
    submitter_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    next_step = forms.ChoiceField(
        label=_("What happened"), choices=_next_step_choices, initial="raised", widget=forms.RadioSelect
    )
    outcome = forms.CharField(label=_("Answer given on site"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.ModelChoiceField(
        queryset=department_list(), required=False, label=_("Department"), empty_label=_("— choose —")
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)

    field_order = [
        "kind", "title", "description", "submitter_name", "submitter_phone", "applicants", "respondent_name",
        "claimed_amount", "next_step", "outcome", "department", "deadline",
    ]  # fmt: skip


class CaseForm(DisputeFieldsForm):
    """A case raised outside an event (survey, hotline) or after it."""

    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(
        label=_("Source"), choices=[c for c in CaseSource.choices if c[0] != CaseSource.QR], initial=CaseSource.HOTLINE
    )
    event = forms.TypedChoiceField(label=_("Event"), required=False, coerce=int, empty_value=None)
    raised_on = forms.DateField(label=_("Raised on"), widget=DateInput, initial=timezone.localdate)
    topic = topic_field()
    enterprise = forms.ModelChoiceField(
        queryset=Enterprise.objects.none(), required=False, label=_("Enterprise"), empty_label=_("— none —")
    )
    submitter_name = forms.CharField(label=_("Raised by"), max_length=100, required=False)
    submitter_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    field_order = [
        "kind", "title", "description", "source", "event", "raised_on", "topic", "enterprise", "submitter_name",
        "submitter_phone", "applicants", "respondent_name", "claimed_amount",
    ]  # fmt: skip

    def __init__(self, *args, events=(), enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("— none —"))] + [(str(e.pk), str(e)) for e in events]
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Keyword"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, description, submitter, enterprise")}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + CaseStatus.choices)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + CaseKind.choices)
    topic = topic_field(label=_("Topic"))
    department = forms.ModelChoiceField(
        queryset=department_list(), required=False, label=_("Department"), empty_label=_("All")
    )
    overdue = forms.ChoiceField(
        label=_("Overdue"),
        required=False,
        choices=[("", _("All")), ("true", _("Overdue")), ("false", _("Not overdue"))],
    )
    event = forms.CharField(required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)


def _step_field(field: serializers.Field, label) -> forms.Field:
    """A page field for one field of a step's input serializer. Every field is optional here: the step's
    service says what is missing, next to the field."""
    if isinstance(field, serializers.DateTimeField):  # the version of the case the form was filled from
        return VersionField()
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        # the pages offer the active departments only (the API also takes an inactive one by its id)
        queryset = department_list() if field.queryset.model is Department else field.queryset
        return forms.ModelChoiceField(queryset=queryset, required=False, label=label, empty_label=_("— choose —"))
    if isinstance(field, serializers.DateField):
        return forms.DateField(label=label, required=False, widget=DateInput)
    if isinstance(field, serializers.IntegerField):  # the 1–5 satisfaction rating
        return forms.TypedChoiceField(
            label=label,
            required=False,
            coerce=int,
            empty_value=None,
            choices=[(i, str(i)) for i in reversed(SATISFACTION_SCALE)],
            widget=forms.RadioSelect,
        )
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def case_step_form(step: Step, data=None, *, case=None) -> forms.Form:
    """The page form of a workflow step (tenants.cases.workflow), built from the step's input, the same
    input the API action takes; prefixed with the step's name (several steps share one page). Filled for
    `case`, it carries the case's version hidden, so a step over someone else's change is refused (409)."""
    fields = {
        name: _step_field(field, step.page_labels.get(name, field.label)) for name, field in step.input().fields.items()
    }
    form_class = type(f"{step.name.title().replace('_', '')}Form", (forms.Form,), fields)
    initial = {"updated_at": version_of(case)} if case is not None else None
    return form_class(data, prefix=step.name, initial=initial)


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        required=False,
        help_text=_("18 characters (GB 32100-2015)."),
    )
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    town = forms.CharField(label=_("Town / street or park"), max_length=100, required=False)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    union_established = forms.BooleanField(label=_("Union established"), required=False)
    harmony_level = forms.ChoiceField(
        label=_("Harmonious-enterprise level"), choices=HarmonyLevel.choices, required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class SuggestionForm(forms.Form):
    source = forms.ChoiceField(label=_("Collected by"), choices=SuggestionSource.choices)
    topic = topic_field(required=True)
    text = forms.CharField(label=_("Suggestion"), widget=forms.Textarea(attrs={"rows": 2}))


class PlanItemForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=[(m, str(m)) for m in range(1, 13)])
    theme = forms.CharField(label=_("Theme"), max_length=200)
    topic = topic_field(required=True)
    departments = departments_field(label=_("Departments"))


class PlanAdjustForm(PlanItemForm):
    reason = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))


QR_KINDS = [
    (CaseKind.REQUEST, _("A problem to solve")),
    (CaseKind.CONSULTATION, _("A question")),
    (CaseKind.SUGGESTION, _("A suggestion")),
]


class IntakeForm(forms.Form):
    """What a worker submits through an event's QR code. Limits are strict: the page is public."""

    kind = forms.ChoiceField(
        label=_("What is it?"), choices=QR_KINDS, widget=forms.RadioSelect, initial=CaseKind.REQUEST
    )
    description = forms.CharField(
        label=_("Describe it"),
        max_length=2000,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        # Plain words for a worker on a phone, instead of Django's stock "Ensure this value has…".
        error_messages={
            "required": _("Please describe your problem or suggestion."),
            "min_length": _("Please write a little more: at least %(limit_value)d characters."),
            "max_length": _("Please shorten it to at most %(limit_value)d characters (now %(show_value)d)."),
        },
    )
    submitter_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    submitter_phone = forms.RegexField(
        label=_("Phone (optional, so we can reply)"),
        regex=r"^[0-9+\- ]{5,20}$",
        required=False,
        max_length=20,
        error_messages={"invalid": _("Enter a phone number of digits only.")},
    )


# A correction's service errors on dispute fields ("dispute.agreed_amount") go next to the page's fields.
CORRECTION_DISPUTE_FIELDS = {
    "dispute.applicants": "applicants",
    "dispute.respondent_name": "respondent_name",
    "dispute.claimed_amount": "claimed_amount",
    "dispute.agreed_amount": "agreed_amount",
    "dispute.outcome": "mediation_outcome",
}


class CaseCorrectForm(forms.Form):
    """Correcting what was recorded of a case; the dispute's fields only for a labour dispute. case_correct
    checks and records it."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    raised_on = forms.DateField(label=_("Raised on"), widget=DateInput, required=False)
    topic = topic_field()
    enterprise = forms.ModelChoiceField(
        queryset=Enterprise.objects.none(), required=False, label=_("Enterprise"), empty_label=_("— none —")
    )
    submitter_name = forms.CharField(label=_("Raised by"), max_length=100, required=False)
    submitter_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    applicants = forms.CharField(
        label=_("Dispute: applicants (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    respondent_name = forms.CharField(label=_("Dispute: respondent"), max_length=200, required=False)
    claimed_amount = forms.DecimalField(
        label=_("Dispute: amount claimed (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    agreed_amount = forms.DecimalField(
        label=_("Dispute: amount agreed (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    mediation_outcome = forms.CharField(
        label=_("Dispute: mediation outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("Why the correction"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = VersionField()

    CASE_FIELDS = ("title", "description", "raised_on", "topic", "enterprise", "submitter_name", "submitter_phone")
    DISPUTE_FIELDS = {
        "applicants": "applicants",
        "respondent_name": "respondent_name",
        "claimed_amount": "claimed_amount",
        "agreed_amount": "agreed_amount",
        "mediation_outcome": "outcome",
    }

    def __init__(self, *args, case, enterprises, **kwargs):
        self.case = case
        self.dispute_detail = getattr(case, "dispute", None) if case.kind == CaseKind.DISPUTE else None
        initial = {name: getattr(case, name) for name in self.CASE_FIELDS}
        initial["topic"], initial["enterprise"] = case.topic_id, case.enterprise_id
        initial["version"] = version_of(case)
        if self.dispute_detail is not None:
            initial |= {field: getattr(self.dispute_detail, name) for field, name in self.DISPUTE_FIELDS.items()}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        if self.dispute_detail is None:
            for field in self.DISPUTE_FIELDS:
                del self.fields[field]

    def service_input(self) -> dict:
        """Only what the user changed, as case_correct takes it."""
        data, changed = self.cleaned_data, set(self.changed_data)
        values = {name: data[name] for name in self.CASE_FIELDS if name in changed}
        dispute = {name: data[field] for field, name in self.DISPUTE_FIELDS.items() if field in changed}
        result = {"reason": data.get("reason", ""), "expected_updated_at": data.get("version"), **values}
        if dispute:
            result["dispute"] = dispute
        return result


class ReceiptForm(forms.Form):
    """A worker follows their case (/r/): the receipt code and the last 4 digits of the phone they left."""

    receipt_code = forms.CharField(
        label=_("Receipt code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": 20}
        ),
        error_messages={"required": _("Please enter your receipt code.")},
    )
    phone_last4 = forms.RegexField(
        label=_("Last 4 digits of your phone"),
        regex=r"^[0-9]{4}$",
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4}),
        error_messages={
            "required": _("Please enter the last 4 digits of your phone."),
            "invalid": _("Please enter 4 digits."),
        },
    )


RATING_CHOICES = [(n, n) for n in range(5, 0, -1)]


class RatingForm(forms.Form):
    """The worker's own rating (回访) of a finished case: 1 to 5 and an optional comment."""

    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with how it was handled?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        error_messages={
            "max_length": _("Please shorten it to at most %(limit_value)d characters (now %(show_value)d).")
        },
    )


class AttachmentForm(forms.Form):
    """A photo or file for an event or a case. The service checks the content; the browser's accept list
    only narrows the picker."""

    file = forms.FileField(
        label=_("Photo or file"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,.pdf,.xlsx,.docx"}),
        error_messages={"required": _("Choose a file to upload.")},
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class OnSitePhotoForm(AttachmentForm):
    """On the phone: the camera opens straight away."""

    file = forms.FileField(
        label=_("Take a photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        error_messages={"required": _("Choose a file to upload.")},
    )
