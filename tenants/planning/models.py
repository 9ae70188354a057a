from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Links to public tables (accounts, topics, departments, unions) have no database constraint
# (db_constraint=False): see shared.core.public_references for why and what keeps them sound.


class SuggestionSource(models.TextChoices):
    SITE_VISIT = "site_visit", _("Site visit")  # 现场考察
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")  # 问卷调查
    INTERVIEW = "interview", _("Interview")  # 个别访谈


class Suggestion(models.Model):
    """An opinion collected at the start of a year to choose the year's topics."""

    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=14, choices=SuggestionSource.choices)
    topic = models.ForeignKey(
        "catalogues.Topic",
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["year", "topic"])]


class PlanItem(models.Model):
    """One month of the year's topic plan (年度选题): theme, topic and departments."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    theme = models.CharField(_("theme"), max_length=200)
    topic = models.ForeignKey(
        "catalogues.Topic",
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    departments = models.ManyToManyField(
        "catalogues.Department",
        verbose_name=_("departments"),
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="planitem_unique_year_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="planitem_month_1_to_12"),
        ]


class PlanAdjustment(models.Model):
    """A change to a plan item, e.g. for a government priority, with its reason. Never edited."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="adjustments")
    reason = models.TextField(_("reason"))
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
