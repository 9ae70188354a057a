"""Oversight API. Compliance and drill-down are served on a city's or a province's host to its members
(IsOverseeingUnionMember); a city sees its own counties only, a province its cities and their counties only
(unions.selectors.union_below). The province's rankings: on a province's host. Notices: any member, own
notices only."""

from django.http import Http404
from django.utils import timezone
from django_tenants.utils import schema_context
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shared.accounts.permissions import IsOverseeingUnionMember, IsProvinceUnionMember, IsUnionReader
from shared.core.serializers import OptionalYearSerializer, validated
from shared.unions.archiving import union_below_left_out
from shared.unions.selectors import union_below_get
from tenants.cases.selectors import case_list
from tenants.events.selectors import event_list

from .selectors import (
    RANKING_METRICS,
    compliance_for_city,
    notice_list,
    overdue_by_department_for_city,
    rankings_for_province,
)
from .serializers import (
    ComplianceSerializer,
    DrillCaseSerializer,
    DrillEventSerializer,
    LateDepartmentsSerializer,
    NoticeSerializer,
    ProvinceRankingsSerializer,
)
from .services import notice_mark_read

YEAR_PARAMETER = OpenApiParameter("year", int, description="Calendar year (default: this year)")


class CityViewSet(viewsets.ViewSet):
    permission_classes = [IsOverseeingUnionMember]

    @extend_schema(parameters=[YEAR_PARAMETER], responses=ComplianceSerializer)
    @action(detail=False, methods=["get"])
    def compliance(self, request):
        """Quota compliance of each union below this one for a year (a city's counties; a province's cities
        and their counties), from the roll-up: quota of its level, events held and planned, pace (done /
        on_track / at_risk / missed) and when the figures were computed; `left_out` names the unions archived
        by then, which the year's figures no longer count."""
        data = validated(OptionalYearSerializer, request.query_params)
        year = data.get("year") or timezone.localdate().year
        rows = compliance_for_city(city=request.tenant, year=year)
        left_out = union_below_left_out(union=request.tenant, year=year)
        return Response(ComplianceSerializer({"year": year, "results": rows, "left_out": left_out}).data)

    @extend_schema(parameters=[YEAR_PARAMETER], responses=LateDepartmentsSerializer)
    @action(detail=False, methods=["get"], url_path="late-departments")
    def late_departments(self, request):
        """Which departments answer late: the year's overdue referred cases of the city's counties by
        department, most first, from the roll-up."""
        data = validated(OptionalYearSerializer, request.query_params)
        year = data.get("year") or timezone.localdate().year
        rows = overdue_by_department_for_city(city=request.tenant, year=year)
        return Response(LateDepartmentsSerializer({"year": year, "results": rows}).data)


class ChildUnionViewSet(viewsets.GenericViewSet):
    """Read-only drill-down into one union below: each list is read inside that union's schema, after checking
    that it lies below the city or province whose host was called (anything else is a 404)."""

    permission_classes = [IsOverseeingUnionMember]
    filter_backends: list = []  # filtering goes through the selectors
    lookup_field = "code"
    lookup_value_converter = "slug"

    def _page_in_schema(self, read, serializer_class) -> Response:
        union = union_below_get(union=self.request.tenant, code=self.kwargs["code"])
        if union is None:
            raise Http404
        with schema_context(union.schema_name):
            page = self.paginate_queryset(read())
            data = serializer_class(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(responses=DrillEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, code=None):
        """A child union's events (read-only); filters as on the union's own list: status, topic, date_from, date_to."""
        return self._page_in_schema(
            lambda: event_list(filters=request.query_params).order_by("-planned_date", "-number"), DrillEventSerializer
        )

    @extend_schema(responses=DrillCaseSerializer(many=True))
    @action(detail=True, methods=["get"])
    def cases(self, request, code=None):
        """A child union's cases (read-only, submitter contact data masked); filters as on the union's own list."""
        return self._page_in_schema(lambda: case_list(filters=request.query_params), DrillCaseSerializer)


class ProvinceViewSet(viewsets.ViewSet):
    permission_classes = [IsProvinceUnionMember]

    @extend_schema(
        parameters=[
            YEAR_PARAMETER,
            OpenApiParameter("by", str, enum=list(RANKING_METRICS), description="figure to rank by (events_held)"),
        ],
        responses=ProvinceRankingsSerializer,
    )
    @action(detail=False, methods=["get"])
    def rankings(self, request):
        """The province's rankings for a year, from the roll-up: its cities (each city's own figures plus its
        counties') and all its counties province-wide, by one figure (`by`), standard competition ranking
        (1, 2, 2, 4)."""
        data = validated(OptionalYearSerializer, request.query_params)
        year = data.get("year") or timezone.localdate().year
        rankings = rankings_for_province(province=request.tenant, year=year, by=request.query_params.get("by"))
        return Response(ProvinceRankingsSerializer({"year": year, **rankings}).data)


class NoticeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your own notices about the union whose host you call, newest first."""

    permission_classes = [IsUnionReader]
    serializer_class = NoticeSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return notice_list(user=self.request.user, union=self.request.tenant)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one of your notices read."""
        return Response(NoticeSerializer(notice_mark_read(notice=self.get_object())).data)
