"""/api/v1/city/record-days/ on a city's (or a province's) host: the days the unions below it have to complete
a held event's record. Any member reads them; an administrator sets them (PUT or PATCH {"days": n | null})."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView

from shared.accounts.permissions import IsOverseeingUnionMember, request_membership
from shared.core.serializers import validated
from shared.unions.models import DEFAULT_EVENT_RECORD_DAYS
from shared.unions.selectors import union_children

from .record_days import level_record_days_set


class IsOverseeingUnionAdminToWrite(IsOverseeingUnionMember):
    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or request_membership(request).is_admin


class RecordDaysInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(allow_null=True, help_text="1 to 60; null: the default (7)")


class RecordDaysUnionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    days = serializers.IntegerField(source="record_days")
    own = serializers.SerializerMethodField(help_text="true: the union has days of its own (set by an operator)")

    def get_own(self, union) -> bool:
        return union.event_record_days is not None


class RecordDaysSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="The days the unions below have")
    default = serializers.IntegerField()
    unions = RecordDaysUnionSerializer(many=True)


SET_SCHEMA = extend_schema(
    summary="Set the days the unions below have to complete a held event's record (administrators)",
    request=RecordDaysInputSerializer,
    responses=RecordDaysSerializer,
)


class RecordDaysView(APIView):
    permission_classes = [IsOverseeingUnionAdminToWrite]

    def _body(self, union):
        children = [c for c in union_children(union=union).select_related("parent") if c.archived_on is None]
        return RecordDaysSerializer(
            {"days": union.level_record_days, "default": DEFAULT_EVENT_RECORD_DAYS, "unions": children}
        ).data

    @extend_schema(
        summary="The days the unions below have to complete a held event's record", responses=RecordDaysSerializer
    )
    def get(self, request):
        return Response(self._body(request.tenant))

    @SET_SCHEMA
    def put(self, request):
        data = validated(RecordDaysInputSerializer, request.data)
        level_record_days_set(union=request.tenant, days=data["days"], actor=request.user)
        return Response(self._body(request.tenant))

    @SET_SCHEMA
    def patch(self, request):  # the body is one field: a PATCH is a PUT
        return self.put(request)
