from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Links to public tables (accounts, topics, departments, unions) have no database constraint
# (db_constraint=False): see shared.core.public_references for why and what keeps them sound.


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PREPARED = "prepared", _("Prepared")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# Planned or prepared: neither held nor cancelled yet (upcoming, or still to be recorded).
NOT_YET_HELD_STATUSES = (EventStatus.PLANNED, EventStatus.PREPARED)
# An event takes workers' cases through its QR code (and shows the code) from planning until it is cancelled.
QR_OPEN_STATUSES = (EventStatus.PLANNED, EventStatus.PREPARED, EventStatus.HELD)


class VenueKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PARK = "park", _("Industrial park")
    TOWNSHIP = "township", _("Township / street")
    COURT = "court", _("Court")
    OTHER = "other", _("Other")


class EventCounter(models.Model):
    """The union's last event number. One row per schema, locked while a number is taken, so numbers
    (第N期) have no gaps and no duplicates even under concurrent creation."""

    last_number = models.PositiveIntegerField(default=0)


class Event(models.Model):
    """One 工情直通车 event (期) of this union."""

    number = models.PositiveIntegerField(_("number"), unique=True, editable=False)
    title = models.CharField(_("theme"), max_length=200)
    topic = models.ForeignKey(
        "catalogues.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED)
    planned_date = models.DateField(_("planned date"))
    held_date = models.DateField(_("held date"), null=True, blank=True)
    venue_kind = models.CharField(_("venue kind"), max_length=12, choices=VenueKind.choices)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    departments = models.ManyToManyField(
        "catalogues.Department",
        verbose_name=_("partner departments"),
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # No foreign-key constraint into public.unions_union (db_constraint=False), for two reasons. Each union's
    # constraint put two triggers on unions_union, so at 1,000 unions every connection reread 2,000 of them
    # after any change of that table's foreign keys (a union created or removed): creation cost grew with the
    # number of unions (issue 11). And a union invited by a sibling's event could not be discarded: the
    # invitation in the sibling's schema blocked the delete. Reads go through the join to unions_union, so an
    # invitation of a removed union simply disappears (ids come from a sequence and are never reused).
    invited_unions = models.ManyToManyField(
        "unions.Union", verbose_name=_("invited unions"), blank=True, related_name="+", db_constraint=False
    )
    # Preparation checklist (做足功课).
    prep_laws_studied = models.BooleanField(_("laws and regulations studied"), default=False)
    prep_participants_confirmed = models.BooleanField(_("participants confirmed"), default=False)
    prep_causes_analysed = models.BooleanField(_("causes of problems analysed"), default=False)
    prep_demands_discussed = models.BooleanField(_("workers' demands discussed"), default=False)
    # What happened on the day.
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", verbose_name=_("enterprises reached"), blank=True, related_name="events"
    )
    unregistered_enterprise_count = models.PositiveIntegerField(_("unregistered enterprises reached"), default=0)
    worker_attendance = models.PositiveIntegerField(_("worker attendance"), default=0)
    summary = models.TextField(_("summary"), blank=True)
    # The day the held event's record was first complete (tenants.events.record): what its timeliness
    # is judged on. Never cleared: reopening a case later is the case's business, not the record's.
    record_completed_on = models.DateField(_("record completed on"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PREPARATION_FIELDS = (
        "prep_laws_studied",
        "prep_participants_confirmed",
        "prep_causes_analysed",
        "prep_demands_discussed",
    )

    class Meta:
        ordering = ["-planned_date", "-number"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="held", held_date__isnull=False) | ~Q(status="held"), name="event_held_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""), name="event_cancel_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["status", "planned_date"]), models.Index(fields=["held_date"])]

    def __str__(self) -> str:
        return f"第{self.number}期 {self.title}"

    @property
    def is_open_for_qr(self) -> bool:
        return self.status in QR_OPEN_STATUSES

    @property
    def is_prepared(self) -> bool:
        return all(getattr(self, name) for name in self.PREPARATION_FIELDS)

    @property
    def enterprises_reached(self) -> int:
        """Linked enterprises plus unregistered ones (needs enterprises prefetched or counted)."""
        return self.enterprises.count() + self.unregistered_enterprise_count


class MediaReport(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="media_reports")
    outlet = models.CharField(_("outlet"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    published_on = models.DateField(_("date"))
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["published_on", "id"]
        verbose_name = _("media report")
        verbose_name_plural = _("media reports")
