from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("username"))
    password = serializers.CharField(label=_("password"), style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class UnionBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="display_name")
    email = serializers.CharField()  # may be blank: not documented as format "email" (found by make fuzz)


class MeSerializer(serializers.Serializer):
    user = UserBriefSerializer()
    union = UnionBriefSerializer()
    role = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(source="user.username", label=_("username"))
    full_name = serializers.CharField(source="user.full_name", label=_("full name"), required=False, allow_blank=True)
    email = serializers.EmailField(source="user.email", required=False, allow_blank=True)
    role = serializers.CharField(label=_("role"))
    password = serializers.CharField(
        label=_("password"), write_only=True, required=False, allow_blank=True, style={"input_type": "password"}
    )
    created_at = serializers.DateTimeField(read_only=True)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.CharField(label=_("role"))
