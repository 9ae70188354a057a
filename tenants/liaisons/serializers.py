from rest_framework import serializers

from shared.catalogues.models import Department

from .models import Liaison, LiaisonLink


class LiaisonSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Liaison
        fields = ["id", "department", "department_name", "name", "phone", "email", "active", "created_at"]


class LiaisonInputSerializer(serializers.Serializer):
    """Types only: the service names what is missing (a name, a way to reach the liaison)."""

    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), allow_null=True)
    name = serializers.CharField(allow_blank=True, max_length=100)
    phone = serializers.CharField(allow_blank=True, required=False, default="", max_length=30)
    email = serializers.CharField(allow_blank=True, required=False, default="", max_length=254)
    active = serializers.BooleanField(required=False, default=True)


class LiaisonLinkSerializer(serializers.ModelSerializer):
    liaison_name = serializers.CharField(source="liaison.name", read_only=True)
    department = serializers.IntegerField(source="liaison.department_id", read_only=True)

    class Meta:
        model = LiaisonLink
        fields = ["id", "liaison", "liaison_name", "department", "created_at", "expires_at", "revoked_at",
                  "last_used_at"]  # fmt: skip
