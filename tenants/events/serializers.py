"""Event API shapes. Output serializers read what the selectors prepared; input serializers only parse."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shared.catalogues.models import Department, Topic
from shared.unions.models import Union
from tenants.enterprises.models import Enterprise

from .models import Event, MediaReport, VenueKind


# The references lists nest in every row are plain serializers: a ModelSerializer introspects its model
# each time it is bound, once per nested field per request.
class EventTopicRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class EventDepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class EventUnionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Union
        fields = ["id", "code", "name"]


class EventEnterpriseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    credit_code = serializers.CharField(read_only=True)


class MediaReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = MediaReport
        fields = ["id", "outlet", "title", "published_on", "url"]


class EventSerializer(serializers.ModelSerializer):
    """An event as lists show it (counts come from annotations of the selector)."""

    label = serializers.SerializerMethodField(help_text="第N期")
    topic = EventTopicRefSerializer(read_only=True, allow_null=True)  # null without a topic (make fuzz)
    departments = EventDepartmentRefSerializer(many=True, read_only=True)
    preparation = serializers.SerializerMethodField()
    case_count = serializers.IntegerField(read_only=True)
    enterprise_count = serializers.IntegerField(read_only=True, help_text="Linked plus unregistered enterprises")
    media_report_count = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "number",
            "label",
            "title",
            "topic",
            "status",
            "planned_date",
            "held_date",
            "venue_kind",
            "venue_name",
            "departments",
            "preparation",
            "worker_attendance",
            "unregistered_enterprise_count",
            "enterprise_count",
            "case_count",
            "media_report_count",
        ]
        read_only_fields = fields

    def get_label(self, event) -> str:
        return _("Session %(number)d") % {"number": event.number}

    def get_preparation(self, event) -> dict[str, bool]:
        return {name: getattr(event, name) for name in Event.PREPARATION_FIELDS}

    def get_media_report_count(self, event) -> int:
        return len(event.media_reports.all())


class EventListSerializer(EventSerializer):
    """The API's list rows (event_list_rows): departments and the media report count come with the row."""

    departments = EventDepartmentRefSerializer(source="department_refs", many=True, read_only=True)
    media_report_count = serializers.IntegerField(read_only=True)


class EventDetailSerializer(EventSerializer):
    enterprises = EventEnterpriseRefSerializer(many=True, read_only=True)
    invited_unions = EventUnionRefSerializer(many=True, read_only=True)
    media_reports = MediaReportSerializer(many=True, read_only=True)

    class Meta(EventSerializer.Meta):
        fields = EventSerializer.Meta.fields + [
            "enterprises",
            "invited_unions",
            "summary",
            "cancel_reason",
            "media_reports",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EventInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    planned_date = serializers.DateField()
    venue_kind = serializers.ChoiceField(choices=VenueKind.choices)
    venue_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all(), required=False, allow_null=True)
    departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), many=True, required=False)
    invited_unions = serializers.PrimaryKeyRelatedField(queryset=Union.objects.all(), many=True, required=False)


class EventChangeSerializer(EventInputSerializer):
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The event's `updated_at` as read before the change: if someone saved the event since, the "
        "change is refused with 409 (code `conflict`) instead of overwriting theirs.",
    )


class PreparationSerializer(serializers.Serializer):
    prep_laws_studied = serializers.BooleanField(required=False)
    prep_participants_confirmed = serializers.BooleanField(required=False)
    prep_causes_analysed = serializers.BooleanField(required=False)
    prep_demands_discussed = serializers.BooleanField(required=False)

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields)) if hasattr(self.initial_data, "keys") else []
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown preparation item.")] for name in unknown})
        if not attrs:
            raise serializers.ValidationError(_("Tick or untick at least one preparation item."))
        return attrs


class HeldSerializer(serializers.Serializer):
    held_date = serializers.DateField()
    enterprises = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), many=True, required=False)
    unregistered_enterprise_count = serializers.IntegerField(min_value=0, required=False, default=0)
    worker_attendance = serializers.IntegerField(min_value=0, required=False, default=0)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField()


class MediaReportInputSerializer(serializers.Serializer):
    outlet = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=200)
    published_on = serializers.DateField()
    url = serializers.URLField(required=False, allow_blank=True, default="")
