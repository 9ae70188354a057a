"""Catalogue API, served on every union's host.

Reading: any member of the union whose host is called (IsUnionReader). Writing: admins of a city union only
(IsCityUnionAdmin). In this deployment the catalogues are one list shared by every city, so any city union's
admin may edit them; county admins, staff and viewers get 403.

Topics and departments behave the same: one viewset calls the catalogue selector and services with the model its
subclass names.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from shared.accounts.permissions import IsCityUnionAdmin, IsUnionReader
from shared.core.serializers import validated

from . import services
from .models import CatalogueEntry, Department, Topic
from .selectors import catalogue_list
from .serializers import CatalogueEntryInputSerializer, CatalogueEntrySerializer

INCLUDE_INACTIVE = OpenApiParameter("include_inactive", bool, description="Also list deactivated entries")


class _CatalogueViewSet(viewsets.GenericViewSet):
    """Topics and departments follow the same rules (the catalogue services); a subclass names its model."""

    model: type[CatalogueEntry]
    serializer_class = CatalogueEntrySerializer
    filter_backends: list = []
    pagination_class = None  # a catalogue is one short list
    lookup_value_converter = "int"

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [IsUnionReader()]
        return [IsCityUnionAdmin()]

    def get_queryset(self):
        include = self.request.query_params.get("include_inactive", "").lower() in ("1", "true", "yes")
        return catalogue_list(model=self.model, include_inactive=include or self.action != "list")

    def _entry(self, entry: CatalogueEntry, code: int = status.HTTP_200_OK) -> Response:
        return Response(CatalogueEntrySerializer(entry).data, status=code)

    @extend_schema(parameters=[INCLUDE_INACTIVE], responses=CatalogueEntrySerializer(many=True))
    def list(self, request):
        return Response(CatalogueEntrySerializer(self.get_queryset(), many=True).data)

    @extend_schema(request=CatalogueEntryInputSerializer, responses={201: CatalogueEntrySerializer})
    def create(self, request):
        data = validated(CatalogueEntryInputSerializer, request.data)
        entry = services.catalogue_entry_create(model=self.model, actor=request.user, **data)
        return self._entry(entry, status.HTTP_201_CREATED)

    @extend_schema(responses=CatalogueEntrySerializer)
    def retrieve(self, request, pk=None):
        return self._entry(self.get_object())

    @extend_schema(request=CatalogueEntryInputSerializer, responses=CatalogueEntrySerializer)
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        data = validated(CatalogueEntryInputSerializer, request.data, partial=True)
        return self._entry(services.catalogue_entry_update(entry=entry, actor=request.user, **data))

    @extend_schema(request=None, responses=CatalogueEntrySerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Take an entry out of use (it stays on existing records); `activate` puts it back."""
        return self._entry(
            services.catalogue_entry_update(entry=self.get_object(), actor=request.user, is_active=False)
        )

    @extend_schema(request=None, responses=CatalogueEntrySerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Put an entry taken out of use back into use."""
        return self._entry(services.catalogue_entry_update(entry=self.get_object(), actor=request.user, is_active=True))

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class TopicViewSet(_CatalogueViewSet):
    model = Topic


class DepartmentViewSet(_CatalogueViewSet):
    model = Department
