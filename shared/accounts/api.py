from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .permissions import IsUnionReader, request_membership
from .serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from .services import token_issue


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
