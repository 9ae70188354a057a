from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .permissions import IsUnionAdmin, IsUnionReader, request_membership
from .selectors import member_list
from .serializers import MemberRoleSerializer, MemberSerializer, MeSerializer, TokenRequestSerializer, TokenSerializer
from .services import member_add, member_change_role, member_remove, token_issue


class TokenView(APIView):
    """Exchange username and password for an API token, on the host of a union you belong to."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = token_issue(request=request, union=getattr(request, "tenant", None), **data.validated_data)
        return Response({"token": token.key})


class MeView(APIView):
    """Who you are, in which union, with which role."""

    permission_classes = [IsUnionReader]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        membership = request_membership(request)
        return Response(MeSerializer({"user": request.user, "union": membership.union, "role": membership.role}).data)


class MemberListView(APIView):
    """The union's members and their roles; admins add people (new or existing accounts)."""

    permission_classes = [IsUnionAdmin]

    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request):
        return Response(MemberSerializer(member_list(union=request.tenant), many=True).data)

    @extend_schema(request=MemberSerializer, responses={201: MemberSerializer})
    def post(self, request):
        data = MemberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = data.validated_data.get("user", {})
        membership = member_add(
            union=request.tenant,
            username=user.get("username", ""),
            full_name=user.get("full_name", ""),
            email=user.get("email", ""),
            role=data.validated_data["role"],
            password=data.validated_data.get("password", ""),
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    """Change a member's role, or end the membership. A union always keeps one administrator."""

    permission_classes = [IsUnionAdmin]

    def _membership(self, request, member_id: int):
        return get_object_or_404(member_list(union=request.tenant), pk=member_id)

    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    def patch(self, request, member_id: int):
        membership = self._membership(request, member_id)
        data = MemberRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(MemberSerializer(member_change_role(membership=membership, **data.validated_data)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, member_id: int):
        member_remove(membership=self._membership(request, member_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
