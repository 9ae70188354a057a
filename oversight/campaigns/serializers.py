"""Campaign API shapes."""

from rest_framework import serializers

from .models import Aggregation, Campaign, CampaignEvent, CampaignIndicator


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignIndicator
        fields = ["id", "name", "unit", "target", "aggregation", "may_be_negative"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.code", read_only=True)
    participants = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "title", "description", "owner", "starts_on", "ends_on", "participants", "indicators"]
        read_only_fields = fields


class IndicatorInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="an existing indicator's id; none: a new one"
    )
    name = serializers.CharField(max_length=100, allow_blank=True)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    target = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    aggregation = serializers.ChoiceField(choices=Aggregation.choices, required=False)
    may_be_negative = serializers.BooleanField(required=False)


class CampaignUpdateSerializer(serializers.Serializer):
    """What PATCH changes; a field left out keeps its value. `indicators` is the whole new list: an item with
    an `id` keeps (and may rename) that indicator, one without adds one, an indicator left out is removed
    (refused while figures are reported for it)."""

    title = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    participants = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=5000, help_text="the participating unions' codes"
    )
    indicators = IndicatorInputSerializer(many=True, max_length=100)


class LinkedEventSerializer(serializers.ModelSerializer):
    union = serializers.CharField(source="union.code", read_only=True)

    class Meta:
        model = CampaignEvent
        fields = ["union", "event_id", "number", "title", "status", "planned_date", "held_date", "worker_attendance"]
        read_only_fields = fields


class ProgressRowSerializer(serializers.Serializer):
    union = serializers.CharField(source="union.code")
    name = serializers.CharField(source="union.name")
    events_linked = serializers.IntegerField()
    events_held = serializers.IntegerField()
    worker_attendance = serializers.IntegerField()
    figures = serializers.SerializerMethodField()

    def get_figures(self, row) -> dict[str, str]:
        return {str(pk): str(value) for pk, value in row.figures.items()}


class ProgressSerializer(serializers.Serializer):
    rows = ProgressRowSerializer(many=True)
    totals = serializers.SerializerMethodField()
    reporting = serializers.SerializerMethodField()
    events_linked = serializers.IntegerField()
    events_held = serializers.IntegerField()
    worker_attendance = serializers.IntegerField()

    def get_totals(self, progress) -> dict[str, str | None]:
        return {str(pk): (str(v) if v is not None else None) for pk, v in progress.totals.items()}

    def get_reporting(self, progress) -> dict[str, int]:
        return {str(pk): n for pk, n in progress.reporting.items()}


class FiguresInputSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True),
        help_text='{"<indicator id>": "120" | "" (not reported)}',
    )

    def validate_values(self, values):
        if not all(str(key).isdigit() for key in values):
            raise serializers.ValidationError("Keys are indicator ids.")
        return {int(key): value for key, value in values.items()}


class LinkInputSerializer(serializers.Serializer):
    event = serializers.IntegerField(min_value=1)
