"""Campaign API on a union's host: the campaigns the union defined or takes part in; the union above reads
every participant's progress, a participant reports its own figures and links its own events."""

from django.db.models import Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shared.accounts.permissions import IsUnionMember
from shared.core.serializers import validated
from tenants.events.models import Event
from tenants.events.selectors import event_get

from .models import Campaign
from .selectors import campaign_events, campaign_figures_of, campaign_for, campaign_progress
from .serializers import (
    CampaignSerializer,
    CampaignUpdateSerializer,
    FiguresInputSerializer,
    LinkedEventSerializer,
    LinkInputSerializer,
    ProgressSerializer,
)
from .services import campaign_event_link, campaign_event_unlink, campaign_figures_report, campaign_update


class CampaignViewSet(viewsets.GenericViewSet):
    permission_classes = [IsUnionMember]
    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()  # for the schema generator; requests go through the selectors
    filter_backends = []

    def get_queryset(self):
        union = self.request.tenant
        return (
            Campaign.objects.filter(Q(owner=union) | Q(participants=union))
            .select_related("owner")
            .prefetch_related("indicators", "participants")
            .distinct()
            .order_by("-starts_on", "-id")
        )

    def get_object(self) -> Campaign:
        try:
            campaign = campaign_for(union=self.request.tenant, campaign_id=int(self.kwargs["pk"]))
        except ValueError as error:
            raise Http404 from error
        if campaign is None:
            raise Http404
        return campaign

    @extend_schema(summary="Campaigns this union defined or takes part in")
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CampaignSerializer(page, many=True).data)

    @extend_schema(
        summary="A campaign: for the union that defined it, every participant's progress and the totals; for a "
        "participant, its own figures and linked events"
    )
    def retrieve(self, request, pk=None):
        campaign = self.get_object()
        union = request.tenant
        body = CampaignSerializer(campaign).data
        if campaign.owner_id == union.pk:
            body["progress"] = ProgressSerializer(campaign_progress(campaign=campaign)).data
            body["events"] = LinkedEventSerializer(campaign_events(campaign=campaign), many=True).data
        if campaign.participants.filter(pk=union.pk).exists():
            figures = campaign_figures_of(campaign=campaign, union=union)
            body["own_figures"] = {str(pk): str(value) for pk, value in figures.items()}
            body["own_events"] = LinkedEventSerializer(campaign_events(campaign=campaign, union=union), many=True).data
        return Response(body)

    @extend_schema(
        summary="Change a campaign (only the union that defined it): title, description, period, participants, "
        "indicators; refused with field errors when it would drop linked events or reported figures",
        request=CampaignUpdateSerializer,
        responses=CampaignSerializer,
    )
    def partial_update(self, request, pk=None):
        campaign = self.get_object()
        data = validated(CampaignUpdateSerializer, request.data, partial=True)
        if "indicators" in data:
            data["indicators"] = [dict(item) for item in data["indicators"]]
        campaign = campaign_update(campaign=campaign, union=request.tenant, actor=request.user, **data)
        return self.retrieve(request, pk=campaign.pk)

    @extend_schema(
        summary="Report this union's figures (all or nothing)",
        request=FiguresInputSerializer,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="This union's figures by indicator id")},
    )
    @action(detail=True, methods=["post"])
    def figures(self, request, pk=None):
        campaign = self.get_object()
        data = FiguresInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign_figures_report(
            campaign=campaign, union=request.tenant, actor=request.user, values=data.validated_data["values"]
        )
        figures = campaign_figures_of(campaign=campaign, union=request.tenant)
        return Response({str(k): str(v) for k, v in figures.items()})

    @extend_schema(
        summary="Link one of this union's events", request=LinkInputSerializer, responses={201: LinkedEventSerializer}
    )
    @action(detail=True, methods=["post"])
    def events(self, request, pk=None):
        campaign = self.get_object()
        data = LinkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            event = event_get(event_id=data.validated_data["event"])  # the caller's own schema only
        except Event.DoesNotExist as error:
            raise Http404 from error
        link = campaign_event_link(campaign=campaign, union=request.tenant, event=event, actor=request.user)
        return Response(LinkedEventSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Unlink one of this union's events", request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"events/(?P<event_id>\d+)")
    def unlink(self, request, pk=None, event_id=None):
        campaign = self.get_object()
        campaign_event_unlink(campaign=campaign, union=request.tenant, event_id=int(event_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
