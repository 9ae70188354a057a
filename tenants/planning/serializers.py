from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shared.catalogues.models import Department, Topic

from .models import PlanAdjustment, PlanItem, Suggestion, SuggestionSource


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SuggestionSerializer(serializers.ModelSerializer):
    topic = NamedRefSerializer()
    source_label = serializers.CharField(source="get_source_display")
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = ["id", "year", "source", "source_label", "topic", "text", "created_by", "created_at"]
        read_only_fields = fields

    def get_created_by(self, obj) -> str | None:
        return obj.created_by.display_name() if obj.created_by else None


class SuggestionInputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    source = serializers.ChoiceField(choices=SuggestionSource.choices)
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all())
    text = serializers.CharField()


class SuggestionFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False)
    topic = serializers.IntegerField(required=False)
    source = serializers.ChoiceField(choices=SuggestionSource.choices, required=False)


class RankedTopicSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    topic = NamedRefSerializer()
    count = serializers.IntegerField()


class TopicRankingSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total = serializers.IntegerField(help_text=_("Suggestions recorded for the year"))
    results = RankedTopicSerializer(many=True)


class PlanItemSerializer(serializers.ModelSerializer):
    topic = NamedRefSerializer()
    departments = serializers.SerializerMethodField()
    adjustment_count = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = ["id", "year", "month", "theme", "topic", "departments", "adjustment_count", "updated_at"]
        read_only_fields = fields

    def get_departments(self, obj) -> list[dict]:
        departments = sorted(obj.departments.all(), key=lambda d: (d.sort_order, d.pk))
        return [{"id": d.pk, "name": d.name} for d in departments]

    def get_adjustment_count(self, obj) -> int:
        count = getattr(obj, "adjustment_count", None)
        return count if count is not None else obj.adjustments.count()


class PlanItemInputSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    theme = serializers.CharField(allow_blank=True)  # the service says "A theme is required."
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all())
    departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), many=True, required=False)


class PlanItemAdjustSerializer(serializers.Serializer):
    # The reason is checked by the service, so the API and the service give the same answer.
    reason = serializers.CharField(required=False, allow_blank=True)
    month = serializers.IntegerField(required=False)
    theme = serializers.CharField(required=False, allow_blank=True)
    topic = serializers.PrimaryKeyRelatedField(queryset=Topic.objects.all(), required=False)
    departments = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), many=True, required=False)


class PlanAdjustmentSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = PlanAdjustment
        fields = ["id", "item", "reason", "before", "after", "actor", "at"]
        read_only_fields = fields

    def get_actor(self, obj) -> dict | None:
        if obj.actor is None:
            return None
        return {"id": obj.actor.pk, "username": obj.actor.username, "name": obj.actor.display_name()}
