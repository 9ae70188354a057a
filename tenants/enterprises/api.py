"""Enterprise API on the union's host. The Host chose the schema; IsUnionMember requires a membership of
that very union (any role reads, admin and staff write). Actions parse input and call the services."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shared.accounts.permissions import IsUnionMember
from shared.core.serializers import validated

from .imports import enterprise_import_xlsx
from .selectors import enterprise_list
from .serializers import (
    EnterpriseImportReportSerializer,
    EnterpriseImportSerializer,
    EnterpriseInputSerializer,
    EnterpriseSerializer,
)
from .services import enterprise_create, enterprise_update


class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsUnionMember]
    serializer_class = EnterpriseSerializer
    filter_backends: list = []  # filtering goes through the selector
    lookup_value_converter = "int"

    def get_queryset(self):
        return enterprise_list(filters=self.request.query_params if self.action == "list" else None)

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Part of the name or of the unified social credit code"),
            OpenApiParameter("industry", str),
            OpenApiParameter("town", str),
            OpenApiParameter("union_established", bool),
            OpenApiParameter("harmony_level", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        """List (search by name or 统一社会信用代码: `?search=`) and create enterprises."""
        return super().list(request, *args, **kwargs)

    @extend_schema(request=EnterpriseInputSerializer, responses={201: EnterpriseSerializer})
    def create(self, request):
        """List (search by name or 统一社会信用代码: `?search=`) and create enterprises."""
        data = validated(EnterpriseInputSerializer, request.data)
        enterprise = enterprise_create(actor=request.user, **data)
        return Response(EnterpriseSerializer(enterprise).data, status=status.HTTP_201_CREATED)

    def _update(self, request, *, partial: bool) -> Response:
        enterprise = self.get_object()
        data = validated(EnterpriseInputSerializer, request.data, partial=partial)
        enterprise = enterprise_update(enterprise=enterprise, actor=request.user, **data)
        return Response(EnterpriseSerializer(enterprise).data)

    @extend_schema(request=EnterpriseInputSerializer, responses=EnterpriseSerializer)
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(request=EnterpriseInputSerializer, responses=EnterpriseSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    @extend_schema(request=EnterpriseImportSerializer, responses=EnterpriseImportReportSerializer)
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_xlsx(self, request):
        """Import an .xlsx sheet (≤ 5 MB, ≤ 5000 rows). The answer lists, row by row, what was rejected and why."""
        data = validated(EnterpriseImportSerializer, request.data)
        return Response(enterprise_import_xlsx(file=data["file"], actor=request.user))
