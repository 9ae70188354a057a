"""Attachment API on the union's host: list the files of an event or a case, upload (multipart), download,
remove. Any member reads; admins and staff write (IsUnionMember); files come only through these views."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from shared.accounts.permissions import IsUnionMember
from shared.core.exceptions import ApplicationError
from shared.core.pagination import ListPagination
from tenants.cases.models import Case
from tenants.events.models import Event

from .models import Attachment
from .selectors import attachment_get, attachment_list
from .serializers import AttachmentInputSerializer, AttachmentSerializer
from .services import attachment_add, attachment_delete


def _int_param(request, name):
    value = request.query_params.get(name, "")
    if value and not value.isdigit():
        raise ApplicationError(_("Some fields are not valid."), fields={name: [_("A whole number is required.")]})
    return int(value) if value else None


def _owner(*, event_id=None, case_id=None) -> dict:
    try:
        if event_id is not None:
            return {"event": Event.objects.get(pk=event_id)}
        if case_id is not None:
            return {"case": Case.objects.get(pk=case_id)}
    except (Event.DoesNotExist, Case.DoesNotExist) as error:
        raise Http404 from error
    return {}


def _stream(field, content_type, filename, inline=False):
    try:
        handle = field.open("rb")
    except OSError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@extend_schema_view(
    list=extend_schema(
        summary="Photos and files of an event or a case",
        parameters=[
            OpenApiParameter("event", OpenApiTypes.INT, description="Only this event's files"),
            OpenApiParameter("case", OpenApiTypes.INT, description="Only this case's files"),
        ],
    ),
    retrieve=extend_schema(summary="One file's description"),
    destroy=extend_schema(summary="Remove a file"),
)
class AttachmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    permission_classes = [IsUnionMember]
    pagination_class = ListPagination
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]
    queryset = Attachment.objects.none()  # for the schema generator; requests go through the selectors
    filter_backends = []

    def get_queryset(self):
        owner = _owner(event_id=_int_param(self.request, "event"), case_id=_int_param(self.request, "case"))
        return attachment_list(**owner)

    def get_object(self):
        try:
            return attachment_get(attachment_id=int(self.kwargs["pk"]))
        except (Attachment.DoesNotExist, ValueError) as error:
            raise Http404 from error

    @extend_schema(
        summary="Upload a photo or file of an event or a case (multipart); its content decides its type",
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer},
    )
    def create(self, request):
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        owner = _owner(event_id=values.get("event"), case_id=values.get("case"))
        attachment = attachment_add(
            actor=request.user, upload=values["file"], description=values["description"], **owner
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        attachment_delete(attachment=instance, actor=self.request.user)

    @extend_schema(summary="The file itself", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = self.get_object()
        return _stream(attachment.file, attachment.content_type, attachment.original_name)

    @extend_schema(summary="An image's thumbnail (JPEG)", responses={(200, "image/jpeg"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def thumbnail(self, request, pk=None):
        attachment = self.get_object()
        if not attachment.thumbnail:
            raise Http404
        return _stream(attachment.thumbnail, "image/jpeg", "thumbnail.jpg", inline=True)
