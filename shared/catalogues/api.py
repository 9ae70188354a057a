"""Catalogue API, served on every union's host.

Reading: any member of the union whose host is called (IsUnionReader). Writing: admins of a city union only
(IsCityUnionAdmin). In this deployment the catalogues are one list shared by every city, so any city union's
admin may edit them; county admins, staff and viewers get 403.

Topics and departments behave the same; each viewset names its own selector and services, so what a URL calls
is visible in the code.
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
from .models import CatalogueEntry
from .selectors import department_list, topic_list
from .serializers import CatalogueEntryInputSerializer, CatalogueEntrySerializer

INCLUDE_INACTIVE = OpenApiParameter("include_inactive", bool, description="Also list deactivated entries")


class _CatalogueViewSet(viewsets.GenericViewSet):
    serializer_class = CatalogueEntrySerializer
    filter_backends: list = []
    pagination_class = None  # a catalogue is one short list
    lookup_value_converter = "int"

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [IsUnionReader()]
        return [IsCityUnionAdmin()]

    # Each catalogue names its selector and services.
    def entries(self, *, include_inactive: bool):
        raise NotImplementedError

    def entry_create(self, **fields) -> CatalogueEntry:
        raise NotImplementedError

    def entry_update(self, entry: CatalogueEntry, **fields) -> CatalogueEntry:
        raise NotImplementedError

    def entry_set_active(self, entry: CatalogueEntry, *, active: bool) -> CatalogueEntry:
        raise NotImplementedError

    def get_queryset(self):
        include = self.request.query_params.get("include_inactive", "").lower() in ("1", "true", "yes")
        return self.entries(include_inactive=include or self.action != "list")

    def _entry(self, entry: CatalogueEntry, code: int = status.HTTP_200_OK) -> Response:
        return Response(CatalogueEntrySerializer(entry).data, status=code)

    @extend_schema(parameters=[INCLUDE_INACTIVE], responses=CatalogueEntrySerializer(many=True))
    def list(self, request):
        return Response(CatalogueEntrySerializer(self.get_queryset(), many=True).data)

    @extend_schema(request=CatalogueEntryInputSerializer, responses={201: CatalogueEntrySerializer})
    def create(self, request):
        data = validated(CatalogueEntryInputSerializer, request.data)
        return self._entry(self.entry_create(**data), status.HTTP_201_CREATED)

    @extend_schema(responses=CatalogueEntrySerializer)
    def retrieve(self, request, pk=None):
        return self._entry(self.get_object())

    @extend_schema(request=CatalogueEntryInputSerializer, responses=CatalogueEntrySerializer)
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        data = validated(CatalogueEntryInputSerializer, request.data, partial=True)
        return self._entry(self.entry_update(entry, **data))

    @extend_schema(request=None, responses=CatalogueEntrySerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Take an entry out of use (it stays on existing records); `activate` puts it back."""
        return self._entry(self.entry_set_active(self.get_object(), active=False))

    @extend_schema(request=None, responses=CatalogueEntrySerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Take an entry out of use (it stays on existing records); `activate` puts it back."""
        return self._entry(self.entry_set_active(self.get_object(), active=True))

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class TopicViewSet(_CatalogueViewSet):
    def entries(self, *, include_inactive: bool):
        return topic_list(include_inactive=include_inactive)

    def entry_create(self, **fields):
        return services.topic_create(actor=self.request.user, **fields)

    def entry_update(self, entry, **fields):
        return services.topic_update(topic=entry, actor=self.request.user, **fields)

    def entry_set_active(self, entry, *, active: bool):
        change = services.topic_activate if active else services.topic_deactivate
        return change(topic=entry, actor=self.request.user)


class DepartmentViewSet(_CatalogueViewSet):
    def entries(self, *, include_inactive: bool):
        return department_list(include_inactive=include_inactive)

    def entry_create(self, **fields):
        return services.department_create(actor=self.request.user, **fields)

    def entry_update(self, entry, **fields):
        return services.department_update(department=entry, actor=self.request.user, **fields)

    def entry_set_active(self, entry, *, active: bool):
        change = services.department_activate if active else services.department_deactivate
        return change(department=entry, actor=self.request.user)
