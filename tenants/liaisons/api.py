"""Department liaisons API on the union's host: /api/v1/liaisons/ (any role of the union reads, admin and
staff write) and /api/v1/liaisons/links/ (the links sent, to revoke one)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shared.accounts.permissions import IsUnionMember
from shared.core.serializers import validated

from .selectors import liaison_list, link_list
from .serializers import LiaisonInputSerializer, LiaisonLinkSerializer, LiaisonSerializer
from .services import liaison_create, liaison_delete, liaison_update, link_revoke


class LiaisonViewSet(viewsets.GenericViewSet):
    """The union's contacts per department of the catalogue; a referred case is sent to them."""

    permission_classes = [IsUnionMember]
    serializer_class = LiaisonSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return liaison_list()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LiaisonSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(LiaisonSerializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    @extend_schema(request=LiaisonInputSerializer, responses={201: LiaisonSerializer})
    def create(self, request):
        data = validated(LiaisonInputSerializer, request.data)
        data.pop("active", None)
        liaison = liaison_create(**data)
        return Response(LiaisonSerializer(liaison).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LiaisonInputSerializer, responses=LiaisonSerializer)
    def update(self, request, pk=None):
        """Replace the contact; moving it to another department or deactivating it revokes its links."""
        liaison = get_object_or_404(self.get_queryset(), pk=pk)
        data = validated(LiaisonInputSerializer, request.data)
        return Response(LiaisonSerializer(liaison_update(liaison=liaison, **data)).data)

    def destroy(self, request, pk=None):
        liaison_delete(liaison=get_object_or_404(self.get_queryset(), pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LiaisonLinkViewSet(viewsets.GenericViewSet):
    """Links sent to liaisons (newest first); revoking one makes it show a "revoked" page at once."""

    permission_classes = [IsUnionMember]
    serializer_class = LiaisonLinkSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return link_list()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LiaisonLinkSerializer(page, many=True).data)

    @extend_schema(request=None, responses=LiaisonLinkSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        link = link_revoke(link=get_object_or_404(self.get_queryset(), pk=pk))
        return Response(LiaisonLinkSerializer(link).data)
