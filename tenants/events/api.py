"""Event API on the union's host. The Host chose the schema; IsUnionMember requires a membership of that
very union (any role reads, admin and staff write). Views parse input and call services; nothing more."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shared.accounts.permissions import IsUnionMember
from shared.core.pagination import ListPagination
from shared.core.serializers import ErrorSerializer
from tenants.cases.selectors import case_get
from tenants.cases.serializers import CaseSerializer, OnSiteCaseSerializer
from tenants.cases.services import case_record_on_site

from .filters import EventFilter
from .models import Event
from .selectors import event_get, event_list_rows
from .serializers import (
    CancelSerializer,
    EventChangeSerializer,
    EventDetailSerializer,
    EventInputSerializer,
    EventListSerializer,
    HeldSerializer,
    MediaReportInputSerializer,
    MediaReportSerializer,
    PreparationSerializer,
)
from .services import (
    event_cancel,
    event_create,
    event_record_held,
    event_tick_preparation,
    event_update,
    media_report_add,
)


@extend_schema_view(
    list=extend_schema(summary="List events (第N期) with their counts"),
    retrieve=extend_schema(summary="One event with enterprises, invited unions and media reports"),
)
class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsUnionMember]
    pagination_class = ListPagination
    filterset_class = EventFilter
    serializer_class = EventListSerializer
    queryset = Event.objects.none()  # for the schema generator; requests go through the selectors

    def get_queryset(self):
        return event_list_rows()

    def get_serializer_class(self):
        return EventListSerializer if self.action == "list" else EventDetailSerializer

    def get_object(self):
        try:
            return event_get(event_id=int(self.kwargs["pk"]))
        except (Event.DoesNotExist, ValueError) as error:
            raise Http404 from error

    def _detail(self, event, code=status.HTTP_200_OK) -> Response:
        return Response(EventDetailSerializer(event_get(event_id=event.pk)).data, status=code)

    @extend_schema(
        summary="Create a planned event", request=EventInputSerializer, responses={201: EventDetailSerializer}
    )
    def create(self, request):
        data = EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = event_create(actor=request.user, **data.validated_data)
        return self._detail(event, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change what was planned",
        request=EventChangeSerializer,
        responses={200: EventDetailSerializer, 409: ErrorSerializer},
    )
    def partial_update(self, request, pk=None):
        event = self.get_object()
        data = EventChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        expected = fields.pop("updated_at", None)
        event = event_update(event=event, actor=request.user, expected_updated_at=expected, **fields)
        return self._detail(event)

    @extend_schema(
        summary="Tick or untick preparation items", request=PreparationSerializer, responses=EventDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def prepare(self, request, pk=None):
        event = self.get_object()
        data = PreparationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = event_tick_preparation(event=event, actor=request.user, items=data.validated_data)
        return self._detail(event)

    @extend_schema(summary="Record the held event", request=HeldSerializer, responses=EventDetailSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        event = self.get_object()
        data = HeldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = event_record_held(event=event, actor=request.user, **data.validated_data)
        return self._detail(event)

    @extend_schema(summary="Cancel with a reason", request=CancelSerializer, responses=EventDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        event = self.get_object()
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = event_cancel(event=event, actor=request.user, reason=data.validated_data["reason"])
        return self._detail(event)

    @extend_schema(
        summary="Add a media report to a held event",
        request=MediaReportInputSerializer,
        responses={201: MediaReportSerializer},
    )
    @action(detail=True, methods=["post"], url_path="media-reports")
    def media_reports(self, request, pk=None):
        event = self.get_object()
        data = MediaReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = media_report_add(event=event, actor=request.user, **data.validated_data)
        return Response(MediaReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a case on site: raise it at the event, and solve it there or refer it, in one step",
        request=OnSiteCaseSerializer,
        responses={201: CaseSerializer},
    )
    @action(detail=True, methods=["post"], url_path="cases")
    def record_case(self, request, pk=None):
        event = self.get_object()
        data = OnSiteCaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_record_on_site(event=event, actor=request.user, **data.validated_data)
        # only the union's admins and staff may write, and they see the submitter's contact data whole
        body = CaseSerializer(case_get(case_id=case.pk), context={"show_contact": True}).data
        return Response(body, status=status.HTTP_201_CREATED)
