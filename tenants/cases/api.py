"""Case API on the union's host (IsUnionMember: any role reads, admin and staff write). Lists mask the
submitter's contact data; the detail shows it whole to the union's staff and admins only."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from shared.accounts.permissions import IsUnionMember, request_membership
from shared.core.pagination import ListPagination
from shared.core.serializers import ErrorSerializer

from .filters import CaseFilter
from .models import Case
from .selectors import case_get, case_list_rows
from .serializers import CaseCorrectionSerializer, CaseListSerializer, CaseRaiseSerializer, CaseSerializer
from .services import case_correct, case_raise
from .workflow import STEPS, Step


@extend_schema_view(
    list=extend_schema(
        summary="List cases (contact data masked)",
        description="Each row is a case without its history; GET cases/<id>/ has the history.",
    ),
    retrieve=extend_schema(summary="One case with its history (contact data whole for staff and admins)"),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsUnionMember]
    pagination_class = ListPagination
    filterset_class = CaseFilter
    serializer_class = CaseSerializer
    queryset = Case.objects.none()  # for the schema generator; requests go through the selectors

    def get_queryset(self):
        return case_list_rows()

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseSerializer

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

    def _step(self, request, step: Step) -> Response:
        case = self.get_object()
        data = step.input(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(step.perform(case=case, actor=request.user, data=data.validated_data))

    @extend_schema(summary="Raise a case", request=CaseRaiseSerializer, responses={201: CaseSerializer})
    def create(self, request):
        data = CaseRaiseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_raise(actor=request.user, **data.validated_data)
        return self._detail(case, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct what was recorded (with a reason; not the status)",
        description="Only the fields sent change; the history records each change, from what to what, and "
        "why. With `updated_at` (as read), a case changed by someone else since is refused with 409.",
        request=CaseCorrectionSerializer,
        responses={200: CaseSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    def partial_update(self, request, pk=None):
        case = self.get_object()
        data = CaseCorrectionSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        expected = fields.pop("updated_at", None)
        reason = fields.pop("reason", "")
        case_correct(case=case, actor=request.user, reason=reason, expected_updated_at=expected, **fields)
        return self._detail(case)


def _step_action(step: Step):
    """The API action of one workflow step: POST cases/<id>/<url_path>/ with the step's input."""

    def perform(self, request, pk=None):
        return self._step(request, step)

    perform.__name__ = step.name
    perform = action(detail=True, methods=["post"], url_path=step.url_path)(perform)
    return extend_schema(
        summary=step.summary, request=step.input, responses={200: CaseSerializer, 409: ErrorSerializer}
    )(perform)


# One action per step of the state machine: cases/<id>/solve-on-site/, refer/, progress/, resolve/, close/,
# reopen/, rate/ (the router collects them when the URLs are imported, after this module ran).
for _name, _case_step in STEPS.items():
    setattr(CaseViewSet, _name, _step_action(_case_step))
