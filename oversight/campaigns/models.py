"""Campaigns (专项行动) such as 10万职工安康行: defined by a union above others (a city, later a province),
with a period, participating unions and indicators; each participant links its events and reports its figures.

Everything lives in the public schema, written by the participants through the services, so the union above
reads every participant's progress in a few queries, never by visiting their schemas.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenants.events.models import EventStatus


class Campaign(models.Model):
    owner = models.ForeignKey(
        "unions.Union", verbose_name=_("defined by"), on_delete=models.PROTECT, related_name="campaigns_defined"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    participants = models.ManyToManyField(
        "unions.Union", verbose_name=_("participating unions"), related_name="campaigns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="campaign_period")]

    def __str__(self) -> str:
        return self.title


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum of the unions' figures")
    MEAN = "mean", _("Average of the unions that reported")


class CampaignIndicator(models.Model):
    """What each participant reports: a count (sessions held, items handed out) summed over the unions, or an
    outcome figure (e.g. the change in traffic accidents, in %) averaged over those that reported."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    aggregation = models.CharField(_("total"), max_length=4, choices=Aggregation.choices, default=Aggregation.SUM)
    may_be_negative = models.BooleanField(_("may be negative"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("campaign indicator")
        verbose_name_plural = _("campaign indicators")

    def __str__(self) -> str:
        return self.name


class CampaignFigure(models.Model):
    """One participant's current figure for one indicator (reported again: overwritten, the audit log keeps
    the history)."""

    indicator = models.ForeignKey(CampaignIndicator, on_delete=models.CASCADE, related_name="figures")
    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "union"], name="campaign_figure_one_per_union")]


class CampaignEvent(models.Model):
    """An event of a participant linked to the campaign: a copy of what the union above needs (number,
    title, status, dates, attendance), kept current when the event changes (signals)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    event_id = models.BigIntegerField()
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=EventStatus.choices)
    planned_date = models.DateField()
    held_date = models.DateField(null=True, blank=True)
    worker_attendance = models.PositiveIntegerField(default=0)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["union_id", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "union", "event_id"], name="campaign_event_once")]
        indexes = [models.Index(fields=["union", "event_id"])]
