"""Annual assessment (年度考核) of a city's county unions, in the public schema.

Scores are not stored while a year is open: they are computed from the roll-up (rollup.UnionYearStats)
and the adjustments on every read. Publishing stores a frozen snapshot (Publication + PublishedScore rows)
that later data, scheme or roll-up changes never touch; only an explicit reopen (with a reason) lifts it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AssessmentScheme(models.Model):
    """The scored items of one city's assessment for one year (see scoring.py for the item shape)."""

    city = models.ForeignKey("unions.Union", verbose_name=_("city union"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    items = models.JSONField(_("items"), default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        constraints = [models.UniqueConstraint(fields=["city", "year"], name="assessment_scheme_one_per_city_year")]


class Adjustment(models.Model):
    """A manual change of a union's score (± points) with the reason; never edited, never deleted: a
    mistake is corrected by another adjustment, so the audit trail stays whole."""

    city = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    union = models.ForeignKey(
        "unions.Union", verbose_name=_("union"), on_delete=models.CASCADE, related_name="assessment_adjustments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="assessment_adjustment_has_reason"),
            models.CheckConstraint(condition=~Q(points=0), name="assessment_adjustment_not_zero"),
        ]
        indexes = [models.Index(fields=["city", "year"])]


class Publication(models.Model):
    """A published (frozen) result of a city's year. At most one is live per city and year; a reopened
    one keeps who reopened it, when and why, and a new publication may follow."""

    city = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("snapshot"))  # {"scheme": [...], "rows": [...]} exactly as published
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("published assessment")
        verbose_name_plural = _("published assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year"], condition=Q(reopened_at__isnull=True), name="assessment_one_live_publication"
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""), name="assessment_reopen_has_reason"
            ),
        ]

    @property
    def is_live(self) -> bool:
        return self.reopened_at is None


class PublishedScore(models.Model):
    """One union's frozen line of a publication: what a county user may read of its own result."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="scores")
    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField(_("rank"))
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2)
    row = models.JSONField()  # the row of assessment_scores as published (breakdown, adjustments, stats)

    class Meta:
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "union"], name="assessment_published_score_unique")
        ]


class PublishedSource(models.Model):
    """The rows behind one union's published figures, as they were when the year was published (see
    tenants.stats.sources): verify_published re-derives the figures from them and checks their digest."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="sources")
    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()  # the local day of publication: "overdue" is counted as of this day
    sources = models.JSONField()  # {"tables": {table: [row, …]}, "record_days": n} (tenants.stats.sources)
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "union"], name="assessment_published_source_unique")
        ]


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel (.xlsx)"
    CSV = "csv", "CSV"
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Export(models.Model):
    """A file of a year's assessment, built by a Celery task; downloaded by the city's members."""

    city = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    file = models.FileField(_("file"), upload_to="exports/assessment/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assessment export")
        verbose_name_plural = _("assessment exports")
