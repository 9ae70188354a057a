"""Catalogue API, served on every union's host.

Reading: any member of the union whose host is called (IsUnionReader). Writing: admins of a city union only
(IsCityUnionAdmin). In this deployment the catalogues are one list shared by every city, so any city union's
admin may edit them; county admins, staff and viewers get 403.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from shared.accounts.permissions import IsCityUnionAdmin, IsUnionReader

from . import services
from .models import Department, Topic
from .selectors import department_list, topic_list
from .serializers import CatalogueEntryInputSerializer, CatalogueEntrySerializer


class _CatalogueMixin:
    model: type = Topic
    kind = "topic"

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsUnionReader()]
        return [IsCityUnionAdmin()]

    def select(self, *, include_inactive: bool):
        return (topic_list if self.kind == "topic" else department_list)(include_inactive=include_inactive)

    def service(self, action: str):
        return getattr(services, f"{self.kind}_{action}")


class CatalogueListView(_CatalogueMixin, GenericAPIView):
    serializer_class = CatalogueEntrySerializer
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        include = self.request.query_params.get("include_inactive", "").lower() in ("1", "true", "yes")
        return self.select(include_inactive=include)

    @extend_schema(
        parameters=[OpenApiParameter("include_inactive", bool, description="Also list deactivated entries")],
        responses=CatalogueEntrySerializer(many=True),
    )
    def get(self, request):
        return Response(CatalogueEntrySerializer(self.get_queryset(), many=True).data)

    @extend_schema(request=CatalogueEntryInputSerializer, responses={201: CatalogueEntrySerializer})
    def post(self, request):
        data = CatalogueEntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        is_active = fields.pop("is_active", True)
        entry = self.service("create")(actor=request.user, **fields)
        if not is_active:
            entry = self.service("deactivate")(**{self.kind: entry, "actor": request.user})
        return Response(CatalogueEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CatalogueDetailView(_CatalogueMixin, APIView):
    def get_object(self, pk):
        return get_object_or_404(self.select(include_inactive=True), pk=pk)

    @extend_schema(responses=CatalogueEntrySerializer)
    def get(self, request, pk):
        return Response(CatalogueEntrySerializer(self.get_object(pk)).data)

    @extend_schema(request=CatalogueEntryInputSerializer, responses=CatalogueEntrySerializer)
    def patch(self, request, pk):
        entry = self.get_object(pk)
        data = CatalogueEntryInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        entry = self.service("update")(**{self.kind: entry, "actor": request.user}, **data.validated_data)
        return Response(CatalogueEntrySerializer(entry).data)


class CatalogueDeactivateView(_CatalogueMixin, APIView):
    """Take an entry out of use (it stays on existing records); `activate` puts it back."""

    action = "deactivate"

    @extend_schema(request=None, responses=CatalogueEntrySerializer)
    def post(self, request, pk):
        entry = get_object_or_404(self.select(include_inactive=True), pk=pk)
        entry = self.service(self.action)(**{self.kind: entry, "actor": request.user})
        return Response(CatalogueEntrySerializer(entry).data)


class CatalogueActivateView(CatalogueDeactivateView):
    action = "activate"


def views_for(model, kind: str) -> dict:
    attrs = {"model": model, "kind": kind}
    prefix = model.__name__
    return {
        "list": type(f"{prefix}ListView", (CatalogueListView,), attrs).as_view(),
        "detail": type(f"{prefix}DetailView", (CatalogueDetailView,), attrs).as_view(),
        "deactivate": type(f"{prefix}DeactivateView", (CatalogueDeactivateView,), attrs).as_view(),
        "activate": type(f"{prefix}ActivateView", (CatalogueActivateView,), attrs).as_view(),
    }


TOPIC_VIEWS = views_for(Topic, "topic")
DEPARTMENT_VIEWS = views_for(Department, "department")
