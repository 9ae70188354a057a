"""City oversight API. Compliance and drill-down are served on a city union's host to its members
(IsCityUnionMember); a city sees its own child unions only. Notices: any member, own notices only."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_tenants.utils import schema_context
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from shared.accounts.permissions import IsCityUnionMember, IsUnionReader
from shared.core.serializers import OptionalYearSerializer
from shared.unions.models import Union
from tenants.cases.selectors import case_list
from tenants.events.selectors import event_list

from .selectors import compliance_for_city, notice_list
from .serializers import (
    ComplianceSerializer,
    DrillCaseSerializer,
    DrillEventSerializer,
    NoticeSerializer,
)
from .services import notice_mark_read

YEAR_PARAMETER = OpenApiParameter("year", int, description="Calendar year (default: this year)")


def _year(request) -> int:
    data = OptionalYearSerializer(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data.get("year") or timezone.localdate().year


class ComplianceView(APIView):
    """Quota compliance of each child union for a year, from the roll-up: quota, events held and planned,
    pace (done / on_track / at_risk / missed) and when the figures were computed."""

    permission_classes = [IsCityUnionMember]

    @extend_schema(parameters=[YEAR_PARAMETER], responses=ComplianceSerializer)
    def get(self, request):
        year = _year(request)
        rows = compliance_for_city(city=request.tenant, year=year)
        return Response(ComplianceSerializer({"year": year, "results": rows}).data)


class ChildUnionListView(GenericAPIView):
    """Base of the read-only drill-down into one child union: the list (each subclass's queryset_in_schema) is
    read inside that union's schema, after checking that it is a child of the city whose host was called
    (anything else is a 404)."""

    permission_classes = [IsCityUnionMember]
    filter_backends: list = []  # filtering goes through the selector

    def child(self, code: str) -> Union:
        return get_object_or_404(Union.objects.filter(parent=self.request.tenant), code=code)

    def get(self, request, code):
        union = self.child(code)
        with schema_context(union.schema_name):
            page = self.paginate_queryset(self.queryset_in_schema())
            data = self.get_serializer(page, many=True).data
        return self.get_paginated_response(data)


class ChildUnionEventsView(ChildUnionListView):
    """A child union's events (read-only); filters as on the union's own list: status, topic, date_from, date_to."""

    serializer_class = DrillEventSerializer

    def queryset_in_schema(self):
        return event_list(filters=self.request.query_params).order_by("-planned_date", "-number")


class ChildUnionCasesView(ChildUnionListView):
    """A child union's cases (read-only, submitter contact data masked); filters as on the union's own list."""

    serializer_class = DrillCaseSerializer

    def queryset_in_schema(self):
        return case_list(filters=self.request.query_params)


class NoticeListView(GenericAPIView):
    """Your own notices about the union whose host you call, newest first."""

    permission_classes = [IsUnionReader]
    serializer_class = NoticeSerializer

    def get_queryset(self):
        return notice_list(user=self.request.user, union=self.request.tenant)

    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(NoticeSerializer(page, many=True).data)


class NoticeReadView(APIView):
    """Mark one of your notices read."""

    permission_classes = [IsUnionReader]

    @extend_schema(request=None, responses=NoticeSerializer)
    def post(self, request, pk):
        notice = notice_list(user=request.user, union=request.tenant).filter(pk=pk).first()
        if notice is None:
            raise Http404
        return Response(NoticeSerializer(notice_mark_read(notice=notice)).data)
