from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Enterprise, HarmonyLevel


class EnterpriseSerializer(serializers.ModelSerializer):
    harmony_level_label = serializers.CharField(source="get_harmony_level_display", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "industry",
            "town",
            "employees",
            "union_established",
            "harmony_level",
            "harmony_level_label",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EnterpriseInputSerializer(serializers.Serializer):
    """Shape only; the rules (credit code check character, duplicates, counts) live in the services, so that
    the API and the import give the same answers."""

    name = serializers.CharField(max_length=200)
    # No max_length here: the service says precisely what is wrong with a code (length, character, check).
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=100)
    industry = serializers.CharField(required=False, allow_blank=True, max_length=100)
    town = serializers.CharField(required=False, allow_blank=True, max_length=100)
    employees = serializers.IntegerField(required=False, allow_null=True)
    union_established = serializers.BooleanField(required=False)
    harmony_level = serializers.ChoiceField(choices=HarmonyLevel.choices, required=False, allow_blank=True)


class EnterpriseImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("An .xlsx workbook; the first row of the first sheet is the header."))


class ImportRejectionSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class EnterpriseImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    rejected = ImportRejectionSerializer(many=True)
    ignored_columns = serializers.ListField(child=serializers.CharField())
