"""API shapes of the city's oversight. Drill-down shapes are read-only and mask submitters' contact data."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tenants.cases.masking import mask_name, mask_phone
from tenants.cases.models import Case
from tenants.events.models import Event

from .models import Notice

PACE_LABELS = {
    "done": _("Done"),
    "on_track": _("On track"),
    "at_risk": _("At risk"),
    "missed": _("Missed"),
}


class UnionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    region_code = serializers.CharField()


class ComplianceRowSerializer(serializers.Serializer):
    union = UnionRefSerializer()
    quota = serializers.IntegerField()
    events_held = serializers.IntegerField()
    events_planned = serializers.IntegerField()
    due_by_now = serializers.IntegerField(help_text="Events that should have been held by the last quarter's end")
    pace = serializers.ChoiceField(choices=list(PACE_LABELS))
    pace_label = serializers.SerializerMethodField()
    computed_at = serializers.DateTimeField(allow_null=True)

    def get_pace_label(self, row) -> str:
        return str(PACE_LABELS[row["pace"]])


class LeftOutUnionSerializer(serializers.Serializer):
    """A child union the year's figures leave out, because it was archived by then."""

    code = serializers.CharField()
    name = serializers.CharField()
    archived_on = serializers.DateField()


class ComplianceSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = ComplianceRowSerializer(many=True)
    left_out = LeftOutUnionSerializer(many=True)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    union = UnionRefSerializer()
    events_held = serializers.IntegerField()
    enterprises_reached = serializers.IntegerField()
    worker_attendance = serializers.IntegerField()
    cases_raised = serializers.IntegerField()
    cases_solved_on_site = serializers.IntegerField()
    quota = serializers.IntegerField(help_text="Events the union (a city: with its counties) must hold this year")
    counties = serializers.IntegerField(help_text="A city's counties counted in its figures (0 for a county)")


class ProvinceRankingsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    by = serializers.CharField()
    cities = RankingRowSerializer(many=True, help_text="Cities, each with its own figures plus its counties'")
    counties = RankingRowSerializer(many=True, help_text="Every county of the province")


class LateDepartmentRowSerializer(serializers.Serializer):
    department_id = serializers.IntegerField()
    department = serializers.CharField()
    overdue = serializers.IntegerField(help_text="Referred cases of the year past their deadline, not finished")
    unions = serializers.IntegerField(help_text="Child unions with at least one")


class LateDepartmentsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = LateDepartmentRowSerializer(many=True)


class DrillEventSerializer(serializers.ModelSerializer):
    topic = serializers.CharField(source="topic.name", default=None, allow_null=True)
    departments = serializers.SerializerMethodField()
    case_count = serializers.IntegerField(read_only=True)
    enterprise_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "number",
            "title",
            "topic",
            "status",
            "planned_date",
            "held_date",
            "venue_kind",
            "venue_name",
            "departments",
            "enterprise_count",
            "worker_attendance",
            "case_count",
            "summary",
        ]
        read_only_fields = fields

    def get_departments(self, event) -> list[str]:
        return [department.name for department in event.departments.all()]


class DrillCaseSerializer(serializers.ModelSerializer):
    """A case as the city sees it: no history, contact data always masked."""

    event_number = serializers.IntegerField(source="event.number", default=None, allow_null=True)
    topic = serializers.CharField(source="topic.name", default=None, allow_null=True)
    department = serializers.CharField(source="department.name", default=None, allow_null=True)
    enterprise = serializers.CharField(source="enterprise.name", default=None, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    submitter_name = serializers.SerializerMethodField()
    submitter_phone = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "title",
            "kind",
            "source",
            "status",
            "event_number",
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
        ]
        read_only_fields = fields

    def get_submitter_name(self, case) -> str:
        return mask_name(case.submitter_name)

    def get_submitter_phone(self, case) -> str:
        return mask_phone(case.submitter_phone)


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields
