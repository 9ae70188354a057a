"""Attachment API shapes: the upload's input and what is told about a stored file (never its storage path)."""

from django.urls import reverse
from rest_framework import serializers

from .models import Attachment


class AttachmentInputSerializer(serializers.Serializer):
    event = serializers.IntegerField(required=False, min_value=1, help_text="The event's id (or give case).")
    case = serializers.IntegerField(required=False, min_value=1, help_text="The case's id (or give event).")
    # The service checks the content; here only that a file came (the size and type messages are the service's).
    file = serializers.FileField(allow_empty_file=True, help_text="JPEG, PNG, PDF, .xlsx or .docx, at most 10 MB.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, attrs):
        if ("event" in attrs) == ("case" in attrs):
            raise serializers.ValidationError({"event": ["Give exactly one of event and case."]})
        return attrs


class AttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", default=None, read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "event",
            "case",
            "kind",
            "original_name",
            "content_type",
            "size",
            "description",
            "uploaded_by",
            "uploaded_at",
            "download",
            "thumbnail",
        ]
        read_only_fields = fields

    def get_download(self, obj) -> str:
        return reverse("attachment-download", kwargs={"pk": obj.pk})

    def get_thumbnail(self, obj) -> str | None:
        return reverse("attachment-thumbnail", kwargs={"pk": obj.pk}) if obj.thumbnail else None
