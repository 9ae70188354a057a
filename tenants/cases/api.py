"""Case API on the union's host (IsUnionMember: any role reads, admin and staff write). Lists mask the
submitter's contact data; the detail shows it whole to the union's staff and admins only."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shared.accounts.permissions import IsUnionMember, request_membership
from tenants.events.api import ListPagination

from .filters import CaseFilter
from .models import Case
from .selectors import case_get, case_list
from .serializers import (
    CaseRaiseSerializer,
    CaseSerializer,
    ExplanationSerializer,
    NoteSerializer,
    OutcomeSerializer,
    RateSerializer,
    ReasonSerializer,
    ReferSerializer,
)
from .services import (
    case_close,
    case_mark_progress,
    case_raise,
    case_rate,
    case_refer,
    case_reopen,
    case_resolve,
    case_solve_on_site,
)


@extend_schema_view(
    list=extend_schema(summary="List cases with their history (contact data masked)"),
    retrieve=extend_schema(summary="One case with its history (contact data whole for staff and admins)"),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsUnionMember]
    pagination_class = ListPagination
    filterset_class = CaseFilter
    serializer_class = CaseSerializer
    queryset = Case.objects.none()  # for the schema generator; requests go through the selectors

    def get_queryset(self):
        return case_list()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        membership = request_membership(self.request)
        context["show_contact"] = self.action != "list" and membership is not None and membership.can_write
        return context

    def get_object(self):
        try:
            return case_get(case_id=int(self.kwargs["pk"]))
        except (Case.DoesNotExist, ValueError) as error:
            raise Http404 from error

    def _detail(self, case, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(case_get(case_id=case.pk)).data, status=code)

    def _step(self, request, serializer_class, service):
        case = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(service(case=case, actor=request.user, **data.validated_data))

    @extend_schema(summary="Raise a case", request=CaseRaiseSerializer, responses={201: CaseSerializer})
    def create(self, request):
        data = CaseRaiseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values.get("dispute") is not None:
            values["dispute"] = dict(values["dispute"])
        case = case_raise(actor=request.user, **values)
        return self._detail(case, status.HTTP_201_CREATED)

    @extend_schema(summary="Solve on site", request=OutcomeSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"], url_path="solve-on-site")
    def solve_on_site(self, request, pk=None):
        return self._step(request, OutcomeSerializer, case_solve_on_site)

    @extend_schema(summary="Refer to a department with a deadline", request=ReferSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        return self._step(request, ReferSerializer, case_refer)

    @extend_schema(summary="Mark progress", request=NoteSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        return self._step(request, NoteSerializer, case_mark_progress)

    @extend_schema(summary="Resolve with the outcome", request=OutcomeSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._step(request, OutcomeSerializer, case_resolve)

    @extend_schema(summary="Close with an explanation", request=ExplanationSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(request, ExplanationSerializer, case_close)

    @extend_schema(summary="Reopen with a reason", request=ReasonSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(request, ReasonSerializer, case_reopen)

    @extend_schema(summary="Record the satisfaction rating (1–5)", request=RateSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        return self._step(request, RateSerializer, case_rate)
