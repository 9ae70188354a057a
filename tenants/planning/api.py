"""Topic planning API on the union's host (IsUnionMember: any role of this union reads, admin/staff write)."""

from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from shared.accounts.permissions import IsUnionMember
from shared.core.serializers import OptionalYearSerializer, YearSerializer

from .selectors import plan_adjustment_list, plan_item_list, suggestion_list, topic_ranking
from .serializers import (
    PlanAdjustmentSerializer,
    PlanItemAdjustSerializer,
    PlanItemInputSerializer,
    PlanItemSerializer,
    SuggestionFilterSerializer,
    SuggestionInputSerializer,
    SuggestionSerializer,
    TopicRankingSerializer,
)
from .services import plan_item_adjust, plan_item_create, suggestion_create

YEAR_PARAM = OpenApiParameter("year", int)


def _query(serializer_class, request) -> dict:
    data = serializer_class(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data


class SuggestionListCreateView(ListAPIView):
    """Suggestions collected by site visit, questionnaire or interview (filters: year, topic, source)."""

    permission_classes = [IsUnionMember]
    serializer_class = SuggestionSerializer
    filter_backends: list = []

    def get_queryset(self):
        return suggestion_list(filters=_query(SuggestionFilterSerializer, self.request))

    @extend_schema(
        parameters=[YEAR_PARAM, OpenApiParameter("topic", int), OpenApiParameter("source", str)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=SuggestionInputSerializer, responses={201: SuggestionSerializer})
    def post(self, request):
        data = SuggestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion = suggestion_create(actor=request.user, **data.validated_data)
        return Response(SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)


class TopicRankingView(APIView):
    """The year's topics ranked by number of suggestions (1, 2, 2, 4; ties in catalogue order)."""

    permission_classes = [IsUnionMember]

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True)], responses=TopicRankingSerializer)
    def get(self, request):
        year = _query(YearSerializer, request)["year"]
        ranking = topic_ranking(year=year)
        body = {"year": year, "total": sum(row["count"] for row in ranking), "results": ranking}
        return Response(TopicRankingSerializer(body).data)


def _plan_items(year=None):
    # Meta.ordering is not applied to GROUP BY queries: order explicitly.
    return plan_item_list(year=year).annotate(adjustment_count=Count("adjustments")).order_by("year", "month")


class PlanItemListCreateView(APIView):
    """The year's plan (年度选题): one item per month with theme, topic and departments."""

    permission_classes = [IsUnionMember]

    @extend_schema(parameters=[YEAR_PARAM], responses=PlanItemSerializer(many=True))
    def get(self, request):
        year = _query(OptionalYearSerializer, request).get("year")
        return Response(PlanItemSerializer(_plan_items(year), many=True).data)

    @extend_schema(request=PlanItemInputSerializer, responses={201: PlanItemSerializer})
    def post(self, request):
        data = PlanItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = plan_item_create(actor=request.user, **data.validated_data)
        return Response(PlanItemSerializer(_plan_items().get(pk=item.pk)).data, status=status.HTTP_201_CREATED)


class PlanItemDetailView(APIView):
    permission_classes = [IsUnionMember]

    @extend_schema(responses=PlanItemSerializer)
    def get(self, request, pk):
        return Response(PlanItemSerializer(get_object_or_404(_plan_items(), pk=pk)).data)

    @extend_schema(request=PlanItemAdjustSerializer, responses=PlanItemSerializer)
    def patch(self, request, pk):
        """Adjust the item; `reason` is required and the change is recorded (before, after, who, when)."""
        item = get_object_or_404(plan_item_list(), pk=pk)
        data = PlanItemAdjustSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        reason = changes.pop("reason", "")
        plan_item_adjust(item=item, actor=request.user, reason=reason, **changes)
        return Response(PlanItemSerializer(_plan_items().get(pk=pk)).data)


class PlanItemAdjustmentListView(APIView):
    permission_classes = [IsUnionMember]

    @extend_schema(responses=PlanAdjustmentSerializer(many=True))
    def get(self, request, pk):
        item = get_object_or_404(plan_item_list(), pk=pk)
        return Response(PlanAdjustmentSerializer(plan_adjustment_list(item_id=item.pk), many=True).data)


class PlanAdjustmentListView(APIView):
    """Every adjustment of the plan (optionally of one year), oldest first."""

    permission_classes = [IsUnionMember]

    @extend_schema(parameters=[YEAR_PARAM], responses=PlanAdjustmentSerializer(many=True))
    def get(self, request):
        year = _query(OptionalYearSerializer, request).get("year")
        return Response(PlanAdjustmentSerializer(plan_adjustment_list(year=year), many=True).data)
