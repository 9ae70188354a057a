"""Enterprise API on the union's host. The Host chose the schema; IsUnionMember requires a membership of
that very union (any role reads, admin and staff write)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from shared.accounts.permissions import IsUnionMember

from .imports import enterprise_import_xlsx
from .models import Enterprise
from .selectors import enterprise_list
from .serializers import (
    EnterpriseImportReportSerializer,
    EnterpriseImportSerializer,
    EnterpriseInputSerializer,
    EnterpriseSerializer,
)
from .services import enterprise_create, enterprise_update


class EnterpriseListCreateView(ListAPIView):
    """List (search by name or 统一社会信用代码: `?search=`) and create enterprises."""

    permission_classes = [IsUnionMember]
    serializer_class = EnterpriseSerializer
    filter_backends: list = []  # filtering goes through the selector

    def get_queryset(self):
        return enterprise_list(filters=self.request.query_params)

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Part of the name or of the unified social credit code"),
            OpenApiParameter("industry", str),
            OpenApiParameter("town", str),
            OpenApiParameter("union_established", bool),
            OpenApiParameter("harmony_level", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=EnterpriseInputSerializer, responses={201: EnterpriseSerializer})
    def post(self, request):
        data = EnterpriseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enterprise = enterprise_create(actor=request.user, **data.validated_data)
        return Response(EnterpriseSerializer(enterprise).data, status=status.HTTP_201_CREATED)


class EnterpriseDetailView(APIView):
    permission_classes = [IsUnionMember]

    def get_object(self, pk):
        return get_object_or_404(Enterprise.objects.all(), pk=pk)

    @extend_schema(responses=EnterpriseSerializer)
    def get(self, request, pk):
        return Response(EnterpriseSerializer(self.get_object(pk)).data)

    @extend_schema(request=EnterpriseInputSerializer, responses=EnterpriseSerializer)
    def patch(self, request, pk):
        enterprise = self.get_object(pk)
        data = EnterpriseInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        enterprise = enterprise_update(enterprise=enterprise, actor=request.user, **data.validated_data)
        return Response(EnterpriseSerializer(enterprise).data)

    @extend_schema(request=EnterpriseInputSerializer, responses=EnterpriseSerializer)
    def put(self, request, pk):
        enterprise = self.get_object(pk)
        data = EnterpriseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enterprise = enterprise_update(enterprise=enterprise, actor=request.user, **data.validated_data)
        return Response(EnterpriseSerializer(enterprise).data)


class EnterpriseImportView(APIView):
    """Import an .xlsx sheet (≤ 5 MB, ≤ 5000 rows). The answer lists, row by row, what was rejected and why."""

    permission_classes = [IsUnionMember]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=EnterpriseImportSerializer, responses=EnterpriseImportReportSerializer)
    def post(self, request):
        data = EnterpriseImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = enterprise_import_xlsx(file=data.validated_data["file"], actor=request.user)
        return Response(report)
