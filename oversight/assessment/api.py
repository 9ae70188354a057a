"""Assessment API. City host (IsCityUnionMember reads; IsCityUnionAdmin writes the scheme, adjustments,
publication and reopening; exports are started by admins and staff): everything starts from the union of
the host, so a city only ever sees its own child unions. County host: GET /api/v1/assessment/mine/ gives
the county its own published line and nothing of the other counties."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from shared.accounts.permissions import IsCityUnionAdmin, IsCityUnionMember, IsUnionReader

from . import selectors, services
from .scoring import KINDS, METRICS, VETO_OPS
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


def _year(request) -> int:
    return services.clean_year(request.query_params.get("year"))


class _CityView(APIView):
    """Reads by any member of the city union of the host; writes by its admins."""

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsCityUnionMember()]
        return [IsCityUnionAdmin()]


class SchemeView(_CityView):
    """The year's scheme: the saved one, or the default (`is_default: true`) until an admin saves one."""

    def _body(self, city, year):
        scheme = selectors.scheme_get(city=city, year=year)
        publication = selectors.publication_live(city=city, year=year)
        return {
            "year": year,
            "is_default": scheme is None,
            "published": publication is not None,
            "items": selectors.scheme_items_for(city=city, year=year),
            "updated_by": scheme.updated_by.display_name() if scheme and scheme.updated_by else None,
            "updated_at": scheme.updated_at.isoformat() if scheme else None,
            "metrics": list(METRICS),
            "kinds": list(KINDS),
            "veto_ops": list(VETO_OPS),
        }

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, year):
        return Response(self._body(request.tenant, services.clean_year(year)))

    @extend_schema(request=SchemeInputSerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request, year):
        data = SchemeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.scheme_save(city=request.tenant, year=year, items=data.validated_data["items"], actor=request.user)
        return Response(self._body(request.tenant, services.clean_year(year)))


class ScoresView(_CityView):
    """Every child union's score with its per-item breakdown, adjustments and rank (frozen once published)."""

    @extend_schema(parameters=[YEAR_PARAMETER], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(selectors.assessment_view(city=request.tenant, year=_year(request)))


class RankingsView(_CityView):
    """Child unions ranked by preliminary score (standard competition ranking 1, 2, 2, 4; ties broken by
    on-site resolution rate, then events held)."""

    @extend_schema(parameters=[YEAR_PARAMETER], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(selectors.rankings_view(city=request.tenant, year=_year(request)))


class AdjustmentListView(_CityView):
    @extend_schema(parameters=[YEAR_PARAMETER], responses=AdjustmentSerializer(many=True))
    def get(self, request):
        adjustments = selectors.adjustment_list(city=request.tenant, year=_year(request))
        return Response(AdjustmentSerializer(adjustments, many=True).data)

    @extend_schema(request=AdjustmentInputSerializer, responses={201: AdjustmentSerializer})
    def post(self, request):
        data = AdjustmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        adjustment = services.adjustment_add(
            city=request.tenant,
            year=data.validated_data["year"],
            union_code=data.validated_data["union"],
            points=data.validated_data["points"],
            reason=data.validated_data["reason"],
            actor=request.user,
        )
        return Response(AdjustmentSerializer(adjustment).data, status=status.HTTP_201_CREATED)


class PublicationListView(_CityView):
    """Publication history (published and reopened, with who, when and why)."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=False)], responses=PublicationSerializer(many=True)
    )
    def get(self, request):
        year = request.query_params.get("year")
        publications = selectors.publication_list(
            city=request.tenant, year=services.clean_year(year) if year not in (None, "") else None
        )
        return Response(PublicationSerializer(publications, many=True).data)


class PublishView(_CityView):
    @extend_schema(request=YearSerializer, responses={201: PublicationSerializer})
    def post(self, request):
        data = YearSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publication = services.assessment_publish(
            city=request.tenant, year=data.validated_data["year"], actor=request.user
        )
        return Response(PublicationSerializer(publication).data, status=status.HTTP_201_CREATED)


class ReopenView(_CityView):
    @extend_schema(request=ReopenInputSerializer, responses=PublicationSerializer)
    def post(self, request):
        data = ReopenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publication = services.assessment_reopen(
            city=request.tenant,
            year=data.validated_data["year"],
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(PublicationSerializer(publication).data)


class ExportListView(APIView):
    """Start an export (admins and staff of the city; 202 with its status URL) or list the city's exports."""

    permission_classes = [IsCityUnionMember]

    @extend_schema(responses=ExportSerializer(many=True))
    def get(self, request):
        return Response(ExportSerializer(selectors.export_list(city=request.tenant)[:50], many=True).data)

    @extend_schema(request=ExportInputSerializer, responses={202: ExportSerializer})
    def post(self, request):
        data = ExportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        export = services.export_request(
            city=request.tenant,
            year=data.validated_data["year"],
            format=data.validated_data["format"],
            actor=request.user,
        )
        return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailView(APIView):
    permission_classes = [IsCityUnionMember]

    @extend_schema(responses=ExportSerializer)
    def get(self, request, pk):
        export = get_object_or_404(selectors.export_list(city=request.tenant), pk=pk)
        return Response(ExportSerializer(export).data)


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


class ExportDownloadView(APIView):
    permission_classes = [IsCityUnionMember]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        export = get_object_or_404(selectors.export_list(city=request.tenant), pk=pk)
        if export.status != "done" or not export.file:
            raise NotFound()
        name = f"assessment-{export.city.code}-{export.year}.{export.format}"
        response = FileResponse(export.file.open("rb"), as_attachment=True, filename=name)
        response["Content-Type"] = CONTENT_TYPES[export.format]
        return response


class MineView(APIView):
    """A county's own published score, rank and breakdown for the year; 404 until its city publishes."""

    permission_classes = [IsUnionReader]

    @extend_schema(parameters=[YEAR_PARAMETER], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        year = _year(request)
        found = selectors.published_score_for_union(union=request.tenant, year=year)
        if found is None:
            raise NotFound()
        score, ranked = found
        row = score.row
        return Response(
            {
                "year": year,
                "union": row["union"],
                "union_name": row["union_name"],
                "rank": score.rank,
                "ranked": ranked,
                "total": row["total"],
                "score": row["score"],
                "adjustment_total": row["adjustment_total"],
                "veto": row["veto"],
                "vetoes": row["vetoes"],
                "breakdown": row["breakdown"],
                "adjustments": [{k: a[k] for k in ("points", "reason", "created_at")} for a in row["adjustments"]],
                "published_at": score.publication.published_at.isoformat(),
            }
        )
