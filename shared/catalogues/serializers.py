from rest_framework import serializers

from .models import Topic


class CatalogueEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic  # same shape for departments
        fields = ["id", "name", "sort_order", "is_active"]
        read_only_fields = fields


class CatalogueEntryInputSerializer(serializers.Serializer):
    # Lengths and uniqueness are checked by the services, with field errors.
    name = serializers.CharField(max_length=200, allow_blank=True)
    sort_order = serializers.IntegerField(required=False, min_value=0)
    is_active = serializers.BooleanField(required=False)
