"""GET /api/v1/stats/?year=YYYY: the union's figures for a year, from the one selector the city's roll-up
uses too. The router is included at the root of /api/v1/ so that the one endpoint is an action, not a list."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shared.accounts.permissions import IsUnionMember
from shared.core.serializers import YearSerializer, validated

from .selectors import union_year_stats
from .serializers import StatsSerializer


class StatsViewSet(viewsets.ViewSet):
    permission_classes = [IsUnionMember]

    @extend_schema(
        summary="The union's statistics for a year",
        parameters=[OpenApiParameter("year", int, required=True, description="e.g. 2018")],
        responses=StatsSerializer,
    )
    @action(detail=False, methods=["get"], url_path="stats")
    def stats(self, request):
        query = validated(YearSerializer, request.query_params)
        year = query["year"]
        return Response({"year": year, **union_year_stats(year=year)})
