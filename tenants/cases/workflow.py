"""The case state machine, in one place: each step a case can take after it is raised — from which statuses,
what input it takes, which service performs it, and how the API and the pages name it.

    raised ──solve_on_site──▶ solved_on_site
      │  └──refer──▶ referred ──progress──▶ in_progress ──resolve──▶ resolved
      │                 └────────────resolve / close───────────────▶ closed (with explanation)
    finished (solved_on_site, resolved, closed) ──reopen (reason)──▶ raised

The API's actions (cases/<id>/<url_path>/), the pages' action forms and the allowed-actions list are built
from STEPS; the services check their step with ``step_require`` before they change anything.

The input serializers are lenient on purpose: they parse types only, and the service decides what is missing
and names the rule (its ApplicationError carries field errors the API and the pages show next to fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from shared.catalogues.models import Department
from shared.core.exceptions import ApplicationError

from . import services
from .models import FINISHED_STATUSES, Case, CaseStatus

OPEN_STATUSES = (CaseStatus.RAISED, CaseStatus.REFERRED, CaseStatus.IN_PROGRESS)
SATISFACTION_SCALE = range(1, 6)  # the rating the service accepts and the pages offer (5 down to 1)


VERSION_HELP = (
    "The case's `updated_at` as read before this step: if someone changed the case since (another step, a "
    "correction), the step is refused with 409 (code `conflict`) instead of acting on a case that is no longer "
    "the one the caller saw. Without it the step goes ahead as before."
)


class StepInputSerializer(serializers.Serializer):
    """What every step takes besides its own input: the version of the case it was based on (optional)."""

    updated_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text=VERSION_HELP)


class OutcomeSerializer(StepInputSerializer):
    outcome = serializers.CharField(required=False, allow_blank=True, default="", label=_("Outcome"))


class ReferSerializer(StepInputSerializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None, label=_("Department")
    )
    deadline = serializers.DateField(required=False, allow_null=True, default=None, label=_("Deadline"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("Note"))


class NoteSerializer(StepInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("Progress note"))


class ExplanationSerializer(StepInputSerializer):
    explanation = serializers.CharField(required=False, allow_blank=True, default="", label=_("Explanation"))


class ReasonSerializer(StepInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("Reason for reopening"))


class RateSerializer(StepInputSerializer):
    satisfaction = serializers.IntegerField(
        label=_("Satisfaction (1–5)"), help_text=_("1 (unhappy) to 5 (very satisfied)")
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", label=_("Comment"))


@dataclass(frozen=True)
class Step:
    name: str  # the action's name in allowed_actions and in the pages' URLs
    url_path: str  # the API's cases/<id>/<url_path>/
    label: Promise  # what the pages call it
    summary: str  # the OpenAPI summary
    sources: tuple[str, ...]  # the statuses it may start from
    refused: Promise  # the rule, said when the case's status does not allow the step
    input: type[serializers.Serializer]
    service: str  # the name of the function in tenants.cases.services that performs it
    # Set for a step only a case raised at an event may take: what is said to any other case.
    needs_event: Promise | None = None
    page_labels: dict[str, Promise] = field(default_factory=dict)  # a page's own label for an input field

    def allows(self, case: Case) -> bool:
        return case.status in self.sources and (self.needs_event is None or case.event_id is not None)

    def perform(self, *, case: Case, actor, data: dict[str, Any]) -> Case:
        """Run the step's service with the parsed input (a serializer's validated_data or a form's
        cleaned_data); the service checks the rules and raises ApplicationError. The input's `updated_at`
        (the version the caller read) is the service's `expected_updated_at`: stale, a 409 conflict."""
        data = dict(data)
        expected = data.pop("updated_at", None)
        return getattr(services, self.service)(case=case, actor=actor, expected_updated_at=expected, **data)


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            name="solve_on_site",
            url_path="solve-on-site",
            label=_("Solved on site"),
            summary="Solve on site",
            sources=(CaseStatus.RAISED,),
            refused=_("Only a newly raised case can be solved on site."),
            input=OutcomeSerializer,
            service="case_solve_on_site",
            needs_event=_("Only a case raised at an event can be solved on site."),
            page_labels={"outcome": _("Answer given on site")},
        ),
        Step(
            name="refer",
            url_path="refer",
            label=_("Refer to a department"),
            summary="Refer to a department with a deadline",
            sources=OPEN_STATUSES,
            refused=_("Only an open case can be referred."),
            input=ReferSerializer,
            service="case_refer",
        ),
        Step(
            name="progress",
            url_path="progress",
            label=_("Record progress"),
            summary="Mark progress",
            sources=(CaseStatus.REFERRED, CaseStatus.IN_PROGRESS),
            refused=_("Progress is reported on a referred case."),
            input=NoteSerializer,
            service="case_mark_progress",
        ),
        Step(
            name="resolve",
            url_path="resolve",
            label=_("Resolve"),
            summary="Resolve with the outcome",
            sources=OPEN_STATUSES,
            refused=_("Only an open case can be resolved."),
            input=OutcomeSerializer,
            service="case_resolve",
        ),
        Step(
            name="close",
            url_path="close",
            label=_("Close with an explanation"),
            summary="Close with an explanation",
            sources=OPEN_STATUSES,
            refused=_("Only an open case can be closed."),
            input=ExplanationSerializer,
            service="case_close",
        ),
        Step(
            name="reopen",
            url_path="reopen",
            label=_("Reopen"),
            summary="Reopen with a reason",
            sources=FINISHED_STATUSES,
            refused=_("Only a finished case can be reopened."),
            input=ReasonSerializer,
            service="case_reopen",
        ),
        Step(
            name="rate",
            url_path="rate",
            label=_("Record satisfaction"),
            summary="Record the satisfaction rating (1–5)",
            sources=FINISHED_STATUSES,
            refused=_("Only a finished case can be rated."),
            input=RateSerializer,
            service="case_rate",
        ),
    )
}


def case_allowed_actions(*, case: Case) -> list[str]:
    """What may be done next, in the order of STEPS: solve_on_site, refer, progress, resolve, close, reopen, rate."""
    return [name for name, step in STEPS.items() if step.allows(case)]


def step_require(*, case: Case, name: str) -> None:
    """Refuse a step the case's status (or its lack of an event) does not allow; the services call this on
    the locked row before they check their input."""
    step = STEPS[name]
    if case.status not in step.sources:
        raise ApplicationError(
            _("%(rule)s This case is “%(status)s”.") % {"rule": step.refused, "status": case.get_status_display()},
            code="invalid_transition",
        )
    if step.needs_event is not None and case.event_id is None:
        raise ApplicationError(step.needs_event, code="on_site_needs_event")
