"""Accounts API on a union's host: the token, who you are, and the union's members. Viewsets whose actions
parse input and call the services; permissions are declared on the viewset or the action."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from shared.core.serializers import validated

from .permissions import IsUnionAdmin, IsUnionReader, request_membership
from .selectors import member_list
from .serializers import MemberRoleSerializer, MemberSerializer, MeSerializer, TokenRequestSerializer, TokenSerializer
from .services import member_add, member_change_role, member_remove, token_issue


class AccountViewSet(viewsets.ViewSet):
    """The caller's own account: exchange a password for a token, and read who you are here."""

    permission_classes = [IsUnionReader]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    @action(
        detail=False, methods=["post"], url_path="auth/token", authentication_classes=[], permission_classes=[AllowAny]
    )
    def token(self, request):
        """Exchange username and password for an API token, on the host of a union you belong to."""
        data = validated(TokenRequestSerializer, request.data)
        token = token_issue(request=request, union=getattr(request, "tenant", None), **data)
        return Response({"token": token.key})

    @extend_schema(responses=MeSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request):
        """Who you are, in which union, with which role."""
        membership = request_membership(request)
        return Response(MeSerializer({"user": request.user, "union": membership.union, "role": membership.role}).data)


class MemberViewSet(viewsets.GenericViewSet):
    """The union's members and their roles; admins add people (new or existing accounts), change roles and end
    memberships. A union always keeps one administrator (the services hold that rule)."""

    permission_classes = [IsUnionAdmin]
    serializer_class = MemberSerializer
    pagination_class = None  # one page: a union has a handful of members
    filter_backends: list = []
    lookup_url_kwarg = "member_id"
    lookup_value_converter = "int"

    def get_queryset(self):
        return member_list(union=self.request.tenant)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["member_id"])

    @extend_schema(responses=MemberSerializer(many=True))
    def list(self, request):
        """The union's members and their roles; admins add people (new or existing accounts)."""
        return Response(MemberSerializer(self.get_queryset(), many=True).data)

    @extend_schema(request=MemberSerializer, responses={201: MemberSerializer})
    def create(self, request):
        """The union's members and their roles; admins add people (new or existing accounts)."""
        data = validated(MemberSerializer, request.data)
        user = data.get("user", {})
        membership = member_add(
            union=request.tenant,
            username=user.get("username", ""),
            full_name=user.get("full_name", ""),
            email=user.get("email", ""),
            role=data["role"],
            password=data.get("password", ""),
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    def partial_update(self, request, member_id=None):
        """Change a member's role, or end the membership. A union always keeps one administrator."""
        membership = self.get_object()
        data = validated(MemberRoleSerializer, request.data)
        return Response(MemberSerializer(member_change_role(membership=membership, **data)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, member_id=None):
        """Change a member's role, or end the membership. A union always keeps one administrator."""
        member_remove(membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
