"""Case API shapes. Submitter contact data is personal data: masked unless the view says the caller may see
it whole (staff and admins of the union, on the detail)."""

from rest_framework import serializers

from shared.catalogues.models import Department, Topic
from tenants.enterprises.models import Enterprise
from tenants.events.models import Event
from tenants.events.serializers import (
    EventDepartmentRefSerializer,
    EventEnterpriseRefSerializer,
    EventTopicRefSerializer,
)

from .masking import mask_name, mask_phone
from .models import Case, CaseKind, CaseSource, CaseStatus, CaseTransition, DisputeDetail
from .services import ON_SITE_NEXT_STEPS
from .workflow import case_allowed_actions


class CaseEventRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class CaseActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class CaseTransitionSerializer(serializers.ModelSerializer):
    actor = CaseActorSerializer(read_only=True, allow_null=True)
    # Blank for the raise (no status before it): declared, as DRF leaves allow_blank off read-only fields
    # and the OpenAPI document then refused "" (found by make fuzz).
    from_status = serializers.ChoiceField(choices=CaseStatus.choices, allow_blank=True, read_only=True)

    class Meta:
        model = CaseTransition
        fields = ["id", "from_status", "to_status", "actor", "actor_name", "by_submitter", "note", "at"]
        read_only_fields = fields


class DisputeSerializer(serializers.ModelSerializer):
    applicants = serializers.SerializerMethodField()
    respondent = EventEnterpriseRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = DisputeDetail
        fields = ["applicants", "respondent", "respondent_name", "claimed_amount", "agreed_amount", "outcome"]
        read_only_fields = fields

    def get_applicants(self, detail) -> list[str]:
        return [line for line in detail.applicants.splitlines() if line.strip()]


class CaseListSerializer(serializers.ModelSerializer):
    """A case as the list shows it (case_list_rows): everything but the history, which is on the case's
    detail; contact data masked unless context["show_contact"]."""

    event = CaseEventRefSerializer(source="event_ref", read_only=True, allow_null=True)
    topic = EventTopicRefSerializer(source="topic_ref", read_only=True, allow_null=True)
    department = EventDepartmentRefSerializer(source="department_ref", read_only=True, allow_null=True)
    enterprise = EventEnterpriseRefSerializer(source="enterprise_ref", read_only=True, allow_null=True)
    # A missing reverse one-to-one reads as None (DRF's get_attribute), so the nested serializer is built once.
    dispute = DisputeSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    submitter_name = serializers.SerializerMethodField()
    submitter_phone = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "source",
            "status",
            "event",
            "topic",
            "department",
            "enterprise",
            "deadline",
            "is_overdue",
            "raised_on",
            "finished_on",
            "outcome",
            "satisfaction",
            "submitter_name",
            "submitter_phone",
            "dispute",
            "allowed_actions",
            "updated_at",
        ]
        read_only_fields = fields

    def _show(self) -> bool:
        return bool(self.context.get("show_contact"))

    def get_submitter_name(self, case) -> str:
        return case.submitter_name if self._show() else mask_name(case.submitter_name)

    def get_submitter_phone(self, case) -> str:
        return case.submitter_phone if self._show() else mask_phone(case.submitter_phone)

    def get_allowed_actions(self, case) -> list[str]:
        return case_allowed_actions(case=case)


class CaseSerializer(CaseListSerializer):
    """A case with its history (every transition, who and when); contact data masked unless
    context["show_contact"]."""

    event = CaseEventRefSerializer(read_only=True, allow_null=True)
    topic = EventTopicRefSerializer(read_only=True, allow_null=True)
    department = EventDepartmentRefSerializer(read_only=True, allow_null=True)
    enterprise = EventEnterpriseRefSerializer(read_only=True, allow_null=True)
    history = CaseTransitionSerializer(source="transitions", many=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + ["history"]
        read_only_fields = fields


class DisputeInputSerializer(serializers.Serializer):
    applicants = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=True)
    respondent = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    respondent_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    claimed_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    agreed_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    outcome = serializers.CharField(required=False, allow_blank=True)


class CaseRaiseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), required=False, allow_null=True)
    source = serializers.ChoiceField(choices=CaseSource.choices, required=False, default=CaseSource.EVENT)
    submitter_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    submitter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all(), required=False, allow_null=True)
    raised_on = serializers.DateField(required=False, allow_null=True)
    dispute = DisputeInputSerializer(required=False, allow_null=True)


class OnSiteCaseSerializer(serializers.Serializer):
    """A case recorded at the event (on the day it was held) and what happened to it there: nothing yet
    (raised), solved on site (outcome), or referred (department, deadline, note). Lenient like the steps'
    inputs: the service names what is missing."""

    kind = serializers.ChoiceField(choices=CaseKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    submitter_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    submitter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    dispute = DisputeInputSerializer(required=False, allow_null=True)
    next_step = serializers.ChoiceField(choices=ON_SITE_NEXT_STEPS, required=False, default="raised")
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None
    )
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseCorrectionDisputeSerializer(serializers.Serializer):
    """The dispute details a correction may change (each optional: only what is sent changes)."""

    applicants = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    respondent_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    claimed_amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    agreed_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    outcome = serializers.CharField(required=False, allow_blank=True)

    def validate_applicants(self, value: list[str]) -> str:
        return "\n".join(name.strip() for name in value if name.strip())


class CaseCorrectionSerializer(serializers.Serializer):
    """PATCH cases/<id>/: correct what was recorded of a case (never its status: the steps do that), with a
    reason; only the fields sent change. Lenient like the steps' inputs: the service names what is wrong."""

    reason = serializers.CharField(required=False, allow_blank=True, help_text="Why the case is corrected (required).")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    submitter_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    submitter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all(), required=False, allow_null=True)
    raised_on = serializers.DateField(required=False)
    dispute = CaseCorrectionDisputeSerializer(required=False)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The case's `updated_at` as read before the correction: if someone changed the case since "
        "(a correction or a step), the correction is refused with 409 (code `conflict`) instead of overwriting "
        "theirs.",
    )
