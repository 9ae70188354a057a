"""Topic planning API on the union's host (IsUnionMember: any role of this union reads, admin/staff write).
Viewsets whose actions parse input and call the services; reads go through the selectors."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shared.accounts.permissions import IsUnionMember
from shared.core.serializers import OptionalYearSerializer, YearSerializer, validated

from .selectors import plan_adjustment_list, plan_item_list_counted, suggestion_list, topic_ranking
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


class SuggestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Suggestions collected by site visit, questionnaire or interview (filters: year, topic, source)."""

    permission_classes = [IsUnionMember]
    serializer_class = SuggestionSerializer
    filter_backends: list = []  # filtering goes through the selector

    def get_queryset(self):
        return suggestion_list(filters=validated(SuggestionFilterSerializer, self.request.query_params))

    @extend_schema(parameters=[YEAR_PARAM, OpenApiParameter("topic", int), OpenApiParameter("source", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SuggestionInputSerializer, responses={201: SuggestionSerializer})
    def create(self, request):
        data = validated(SuggestionInputSerializer, request.data)
        suggestion = suggestion_create(actor=request.user, **data)
        return Response(SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)


class TopicViewSet(viewsets.ViewSet):
    permission_classes = [IsUnionMember]

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True)], responses=TopicRankingSerializer)
    @action(detail=False, methods=["get"])
    def ranked(self, request):
        """The year's topics ranked by number of suggestions (1, 2, 2, 4; ties in catalogue order)."""
        year = validated(YearSerializer, request.query_params)["year"]
        ranking = topic_ranking(year=year)
        body = {"year": year, "total": sum(row["count"] for row in ranking), "results": ranking}
        return Response(TopicRankingSerializer(body).data)


class PlanItemViewSet(viewsets.GenericViewSet):
    permission_classes = [IsUnionMember]
    serializer_class = PlanItemSerializer
    filter_backends: list = []
    pagination_class = None  # at most twelve items a year
    lookup_value_converter = "int"

    def get_queryset(self):
        return plan_item_list_counted()

    def _item(self, pk, code: int = status.HTTP_200_OK) -> Response:
        return Response(PlanItemSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data, status=code)

    @extend_schema(parameters=[YEAR_PARAM], responses=PlanItemSerializer(many=True))
    def list(self, request):
        """The year's plan (年度选题): one item per month with theme, topic and departments."""
        year = validated(OptionalYearSerializer, request.query_params).get("year")
        return Response(PlanItemSerializer(plan_item_list_counted(year=year), many=True).data)

    @extend_schema(request=PlanItemInputSerializer, responses={201: PlanItemSerializer})
    def create(self, request):
        """The year's plan (年度选题): one item per month with theme, topic and departments."""
        data = validated(PlanItemInputSerializer, request.data)
        item = plan_item_create(actor=request.user, **data)
        return self._item(item.pk, status.HTTP_201_CREATED)

    @extend_schema(responses=PlanItemSerializer)
    def retrieve(self, request, pk=None):
        return self._item(pk)

    @extend_schema(request=PlanItemAdjustSerializer, responses=PlanItemSerializer)
    def partial_update(self, request, pk=None):
        """Adjust the item; `reason` is required and the change is recorded (before, after, who, when)."""
        item = self.get_object()
        data = validated(PlanItemAdjustSerializer, request.data)
        changes = dict(data)
        reason = changes.pop("reason", "")
        plan_item_adjust(item=item, actor=request.user, reason=reason, **changes)
        return self._item(pk)

    @extend_schema(responses=PlanAdjustmentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def adjustments(self, request, pk=None):
        item = self.get_object()
        return Response(PlanAdjustmentSerializer(plan_adjustment_list(item_id=item.pk), many=True).data)


class PlanAdjustmentViewSet(viewsets.ViewSet):
    """Every adjustment of the plan (optionally of one year), oldest first."""

    permission_classes = [IsUnionMember]

    @extend_schema(parameters=[YEAR_PARAM], responses=PlanAdjustmentSerializer(many=True))
    def list(self, request):
        year = validated(OptionalYearSerializer, request.query_params).get("year")
        return Response(PlanAdjustmentSerializer(plan_adjustment_list(year=year), many=True).data)
