from django.urls import reverse
from rest_framework import serializers

from shared.core.serializers import YearSerializer

from .models import Adjustment, Export, Publication


class SchemeInputSerializer(serializers.Serializer):
    # The items' rules (known metrics, weights, ascending tiers) are checked by the service, with field errors.
    items = serializers.JSONField()


class ReopenInputSerializer(YearSerializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class AdjustmentInputSerializer(YearSerializer):
    union = serializers.CharField()
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class AdjustmentSerializer(serializers.ModelSerializer):
    union = serializers.CharField(source="union.code")
    union_name = serializers.CharField(source="union.name")
    points = serializers.FloatField()
    created_by = serializers.CharField(source="created_by.display_name")

    class Meta:
        model = Adjustment
        fields = ["id", "year", "union", "union_name", "points", "reason", "created_by", "created_at"]
        read_only_fields = fields


class PublicationSerializer(serializers.ModelSerializer):
    published_by = serializers.CharField(source="published_by.display_name")
    reopened_by = serializers.SerializerMethodField()
    is_live = serializers.BooleanField()

    class Meta:
        model = Publication
        fields = [
            "id",
            "year",
            "is_live",
            "published_at",
            "published_by",
            "reopened_at",
            "reopened_by",
            "reopen_reason",
        ]
        read_only_fields = fields

    def get_reopened_by(self, publication) -> str | None:
        return publication.reopened_by.display_name() if publication.reopened_by else None


class ExportInputSerializer(YearSerializer):
    format = serializers.CharField()


class ExportSerializer(serializers.ModelSerializer):
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = ["id", "year", "format", "status", "error", "created_at", "finished_at", "status_url", "download_url"]
        read_only_fields = fields

    def get_status_url(self, export) -> str:
        return reverse("assessment-export-detail", args=[export.id])

    def get_download_url(self, export) -> str | None:
        if export.status != "done":
            return None
        return reverse("assessment-export-download", args=[export.id])
