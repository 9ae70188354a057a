"""Assessment API. City host (IsCityUnionMember reads; IsCityUnionAdmin writes the scheme, adjustments,
publication and reopening; exports are started by admins and staff): everything starts from the union of
the host, so a city only ever sees its own child unions. County host: GET /api/v1/assessment/mine/ gives
the county its own published line and nothing of the other counties. Viewsets whose actions parse input and
call the services; reads go through the selectors."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from shared.accounts.permissions import IsCityUnionAdmin, IsCityUnionMember, IsUnionReader
from shared.core.serializers import validated

from . import selectors, services
from .serializers import (
    AdjustmentInputSerializer,
    AdjustmentSerializer,
    ExportInputSerializer,
    ExportSerializer,
    PublicationSerializer,
    ReopenInputSerializer,
    SchemeInputSerializer,
    YearSerializer,
)

YEAR_PARAMETER = OpenApiParameter("year", int, required=True, description="The assessment year, e.g. 2024")

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def _year(request) -> int:
    return services.clean_year(request.query_params.get("year"))


class _CityViewSet(viewsets.GenericViewSet):
    """Reads by any member of the city union of the host; writes by its admins."""

    filter_backends: list = []
    pagination_class = None  # one city's lists are short: its child unions, its adjustments

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [IsCityUnionMember()]
        return [IsCityUnionAdmin()]


class SchemeViewSet(_CityViewSet):
    """The year's scheme: the saved one, or the default (`is_default: true`) until an admin saves one."""

    lookup_field = "year"
    lookup_value_converter = "int"

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def retrieve(self, request, year=None):
        return Response(selectors.scheme_view(city=request.tenant, year=services.clean_year(year)))

    @extend_schema(request=SchemeInputSerializer, responses=OpenApiTypes.OBJECT)
    def update(self, request, year=None):
        data = validated(SchemeInputSerializer, request.data)
        services.scheme_save(city=request.tenant, year=year, items=data["items"], actor=request.user)
        return Response(selectors.scheme_view(city=request.tenant, year=services.clean_year(year)))


class AssessmentViewSet(_CityViewSet):
    """The year's assessment of the city's child unions: scores, publication history, publish and reopen."""

    @extend_schema(parameters=[YEAR_PARAMETER], responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def scores(self, request):
        """Every child union's score with its per-item breakdown, adjustments and rank (frozen once published)."""
        return Response(selectors.assessment_view(city=request.tenant, year=_year(request)))

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=False)], responses=PublicationSerializer(many=True)
    )
    @action(detail=False, methods=["get"])
    def publications(self, request):
        """Publication history (published and reopened, with who, when and why)."""
        year = request.query_params.get("year")
        publications = selectors.publication_list(
            city=request.tenant, year=services.clean_year(year) if year not in (None, "") else None
        )
        return Response(PublicationSerializer(publications, many=True).data)

    @extend_schema(request=YearSerializer, responses={201: PublicationSerializer})
    @action(detail=False, methods=["post"])
    def publish(self, request):
        data = validated(YearSerializer, request.data)
        publication = services.assessment_publish(city=request.tenant, year=data["year"], actor=request.user)
        return Response(PublicationSerializer(publication).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReopenInputSerializer, responses=PublicationSerializer)
    @action(detail=False, methods=["post"])
    def reopen(self, request):
        data = validated(ReopenInputSerializer, request.data)
        publication = services.assessment_reopen(
            city=request.tenant,
            year=data["year"],
            actor=request.user,
            reason=data["reason"],
        )
        return Response(PublicationSerializer(publication).data)


class RankingViewSet(_CityViewSet):
    @extend_schema(parameters=[YEAR_PARAMETER], responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def rankings(self, request):
        """Child unions ranked by preliminary score (standard competition ranking 1, 2, 2, 4; ties broken by
        on-site resolution rate, then events held)."""
        return Response(selectors.rankings_view(city=request.tenant, year=_year(request)))


class AdjustmentViewSet(_CityViewSet):
    @extend_schema(parameters=[YEAR_PARAMETER], responses=AdjustmentSerializer(many=True))
    def list(self, request):
        adjustments = selectors.adjustment_list(city=request.tenant, year=_year(request))
        return Response(AdjustmentSerializer(adjustments, many=True).data)

    @extend_schema(request=AdjustmentInputSerializer, responses={201: AdjustmentSerializer})
    def create(self, request):
        data = validated(AdjustmentInputSerializer, request.data)
        adjustment = services.adjustment_add(
            city=request.tenant,
            year=data["year"],
            union_code=data["union"],
            points=data["points"],
            reason=data["reason"],
            actor=request.user,
        )
        return Response(AdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)


class ExportViewSet(viewsets.GenericViewSet):
    """Start an export (admins and staff of the city; 202 with its status URL) or list the city's exports."""

    permission_classes = [IsCityUnionMember]
    serializer_class = ExportSerializer
    filter_backends: list = []
    pagination_class = None  # the newest 50
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.export_list(city=self.request.tenant)

    @extend_schema(responses=ExportSerializer(many=True))
    def list(self, request):
        return Response(ExportSerializer(self.get_queryset()[:50], many=True).data)

    @extend_schema(request=ExportInputSerializer, responses={202: ExportSerializer})
    def create(self, request):
        data = validated(ExportInputSerializer, request.data)
        export = services.export_request(
            city=request.tenant,
            year=data["year"],
            format=data["format"],
            actor=request.user,
        )
        return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ExportSerializer)
    def retrieve(self, request, pk=None):
        return Response(ExportSerializer(self.get_object()).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        export = self.get_object()
        if export.status != "done" or not export.file:
            raise NotFound()
        name = f"assessment-{export.city.code}-{export.year}.{export.format}"
        response = FileResponse(export.file.open("rb"), as_attachment=True, filename=name)
        response["Content-Type"] = CONTENT_TYPES[export.format]
        return response


class MineViewSet(viewsets.ViewSet):
    permission_classes = [IsUnionReader]

    @extend_schema(parameters=[YEAR_PARAMETER], responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def mine(self, request):
        """A county's own published score, rank and breakdown for the year; 404 until its city publishes."""
        line = selectors.own_published_line(union=request.tenant, year=_year(request))
        if line is None:
            raise NotFound()
        return Response(line)
