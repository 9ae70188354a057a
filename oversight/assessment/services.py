"""Writes of the annual assessment. A published year refuses scheme edits and adjustments until it is
reopened with a reason; every write keeps who made it and when."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from oversight.rollup.services import rollup_refresh
from shared.audit.context import records_actor
from shared.core.exceptions import ApplicationError
from shared.core.years import year_error
from shared.unions.archiving import union_children_counted
from shared.unions.models import Union
from shared.unions.selectors import union_child_get
from tenants.stats.sources import sources_digest, year_stats_sources

from .models import Adjustment, AssessmentScheme, Export, ExportFormat, Publication, PublishedScore, PublishedSource
from .scoring import validate_items
from .selectors import assessment_live_rows, publication_live, scheme_items_for
from .tasks import assessment_export_task

MAX_ADJUSTMENT = Decimal("100")
REASON_MAX_LENGTH = 1000


def _invalid(field: str, message) -> ApplicationError:
    return ApplicationError(_("Some fields are not valid."), fields={field: [message]})


def clean_year(year) -> int:
    if message := year_error(year):
        raise _invalid("year", message)
    return int(year)


def _clean_reason(reason) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise _invalid("reason", _("A reason is required."))
    if len(reason) > REASON_MAX_LENGTH:
        raise _invalid("reason", _("A reason has at most %(max)d characters.") % {"max": REASON_MAX_LENGTH})
    return reason


def _refuse_if_published(*, city: Union, year: int) -> None:
    if publication_live(city=city, year=year) is not None:
        raise ApplicationError(
            _("The assessment of %(year)d is published and frozen; reopen it (with a reason) before changing it.")
            % {"year": year},
            code="published",
            fields={"year": [_("Published years cannot be changed.")]},
        )


@records_actor
def scheme_save(*, city: Union, year: int, items, actor) -> AssessmentScheme:
    """Replace the city's scheme for `year` (validated: known metrics, non-negative weights, ascending tiers)."""
    year = clean_year(year)
    clean, errors = validate_items(items)
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    with transaction.atomic():
        Union.objects.select_for_update().filter(pk=city.pk).first()  # serialise with publish/reopen
        _refuse_if_published(city=city, year=year)
        scheme, _created = AssessmentScheme.objects.update_or_create(
            city=city, year=year, defaults={"items": clean, "updated_by": actor}
        )
    return scheme


@records_actor
def adjustment_add(*, city: Union, year: int, union_code: str, points, reason, actor) -> Adjustment:
    """Add ± points to one of the city's child unions for `year`, with a reason (audited, append-only)."""
    year = clean_year(year)
    union = union_child_get(union=city, code=union_code) if isinstance(union_code, str) else None
    if union is None:
        raise _invalid("union", _("Not a union of this city."))
    try:
        value = Decimal(str(points)) if points is not None and not isinstance(points, bool) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value == 0 or abs(value) > MAX_ADJUSTMENT:
        raise _invalid("points", _("Points are a non-zero number between -100 and 100."))
    if value != value.quantize(Decimal("0.01")):
        raise _invalid("points", _("Points have at most two decimals."))
    reason = _clean_reason(reason)
    with transaction.atomic():
        Union.objects.select_for_update().filter(pk=city.pk).first()
        _refuse_if_published(city=city, year=year)
        return Adjustment.objects.create(
            city=city, union=union, year=year, points=value, reason=reason, created_by=actor
        )


@records_actor
def assessment_publish(*, city: Union, year: int, actor) -> Publication:
    """Freeze the city's `year`: the scheme, each union's figures, breakdown, adjustments and rank are
    copied into the publication; later changes of data, roll-up or scheme leave it untouched. The roll-up rows
    of the unions counted are recomputed first, in the same transaction: what is published comes from the
    events and cases as they are now, even when a refresh lagged or was lost (so verify_published proves it)."""
    year = clean_year(year)
    try:
        with transaction.atomic():
            Union.objects.select_for_update().filter(pk=city.pk).first()
            if publication_live(city=city, year=year) is not None:
                raise ApplicationError(
                    _("The assessment of %(year)d is already published.") % {"year": year},
                    code="published",
                    fields={"year": [_("Already published.")]},
                )
            for union in union_children_counted(union=city, year=year).order_by("pk"):
                rollup_refresh(union=union, year=year)
            items = scheme_items_for(city=city, year=year)
            rows = assessment_live_rows(city=city, year=year, items=items)
            publication = Publication.objects.create(
                city=city, year=year, published_by=actor, snapshot={"scheme": items, "rows": rows}
            )
            PublishedScore.objects.bulk_create(
                PublishedScore(
                    publication=publication,
                    union_id=row["union_id"],
                    rank=row["rank"],
                    total=Decimal(str(row["total"])),
                    row=row,
                )
                for row in rows
            )
            _keep_sources(publication=publication, rows=rows)
    except IntegrityError:  # published at the same moment by someone else
        raise ApplicationError(
            _("The assessment of %(year)d is already published.") % {"year": year}, code="published"
        ) from None
    return publication


def _keep_sources(*, publication: Publication, rows: list[dict]) -> None:
    """Copy, per union, the rows its figures come from (one read of each county's schema, once a year), so
    that verify_published can re-derive every published figure later (tenants.stats.sources)."""
    as_of = timezone.localdate()
    kept = []
    for union in Union.objects.filter(pk__in=[row["union_id"] for row in rows]).order_by("pk"):
        with schema_context(union.schema_name):
            sources = year_stats_sources(year=publication.year)
        kept.append(
            PublishedSource(
                publication=publication, union=union, as_of=as_of, sources=sources, sha256=sources_digest(sources)
            )
        )
    PublishedSource.objects.bulk_create(kept)


@records_actor
def assessment_reopen(*, city: Union, year: int, actor, reason) -> Publication:
    """Lift the freeze of a published year; the publication stays on record with who, when and why."""
    year = clean_year(year)
    reason = _clean_reason(reason)
    with transaction.atomic():
        Union.objects.select_for_update().filter(pk=city.pk).first()
        publication = publication_live(city=city, year=year)
        if publication is None:
            raise ApplicationError(
                _("The assessment of %(year)d is not published.") % {"year": year},
                code="not_published",
                fields={"year": [_("Not published.")]},
            )
        publication.reopened_at = timezone.now()
        publication.reopened_by = actor
        publication.reopen_reason = reason
        publication.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    return publication


def export_request(*, city: Union, year: int, format: str, actor) -> Export:
    """Record an export and have it built by a Celery task once this transaction commits."""
    year = clean_year(year)
    if format not in ExportFormat.values:
        raise _invalid("format", _("The format is one of xlsx, csv, pdf."))
    export = Export.objects.create(city=city, year=year, format=format, created_by=actor)

    def send_export_task():
        assessment_export_task.delay(export.id)

    # Robust: with the broker down the request still answers what it did (the export is recorded, pending);
    # `exports_reap` sends it again once the broker is back.
    transaction.on_commit(send_export_task, robust=True)
    return export
