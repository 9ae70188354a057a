"""Public-schema tables of the city's oversight: the per-union yearly roll-up, quota rules and in-app notices."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.unions.models import UnionLevel
from tenants.stats.selectors import STAT_KEYS


def _twelve_zeros() -> list[int]:
    return [0] * 12


class UnionYearStats(models.Model):
    """One union's figures for one year, copied from tenants.stats.selectors.union_year_stats run in the
    union's schema. The city reads these rows instead of looping over schemas on each request."""

    union = models.ForeignKey("unions.Union", verbose_name=_("union"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    events_planned = models.PositiveIntegerField(default=0)
    events_held = models.PositiveIntegerField(default=0)
    events_cancelled = models.PositiveIntegerField(default=0)
    enterprises_reached = models.PositiveIntegerField(default=0)
    worker_attendance = models.PositiveIntegerField(default=0)
    cases_raised = models.PositiveIntegerField(default=0)
    cases_solved_on_site = models.PositiveIntegerField(default=0)
    cases_referred = models.PositiveIntegerField(default=0)
    cases_resolved_on_time = models.PositiveIntegerField(default=0)
    cases_overdue = models.PositiveIntegerField(default=0)
    departments_engaged = models.PositiveIntegerField(default=0)
    media_reports = models.PositiveIntegerField(default=0)
    events_closed_on_time = models.PositiveIntegerField(default=0)
    events_closed_late = models.PositiveIntegerField(default=0)
    events_record_missing = models.PositiveIntegerField(default=0)
    events_held_by_month = models.JSONField(default=_twelve_zeros)
    # {department id as a string: overdue cases}: the city's "which departments answer late".
    cases_overdue_by_department = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["union", "year"], name="rollup_unique_union_year")]
        indexes = [models.Index(fields=["year", "union"])]
        verbose_name = _("union year statistics")
        verbose_name_plural = _("union year statistics")

    def __str__(self) -> str:
        return f"{self.union_id}/{self.year}"

    def as_stats(self) -> dict:
        """The same dict union_year_stats returns."""
        return {key: getattr(self, key) for key in STAT_KEYS} | {
            "events_held_by_month": list(self.events_held_by_month),
            "cases_overdue_by_department": dict(self.cases_overdue_by_department or {}),
        }


class QuotaRule(models.Model):
    """指标: the minimum number of events a union of `level` must hold in `year`. Without a row the default
    applies (selectors.quota_for): county unions at least 4 from 2018, nothing before, nothing for cities."""

    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=UnionLevel.choices)
    min_events_held = models.PositiveSmallIntegerField(_("minimum events held"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "level"], name="quota_unique_year_level")]
        verbose_name = _("quota rule")
        verbose_name_plural = _("quota rules")

    def __str__(self) -> str:
        return f"{self.year} {self.level} ≥ {self.min_events_held}"


class NoticeKind(models.TextChoices):
    PACE = "pace", _("Behind the quarterly pace")
    OVERDUE = "overdue", _("Case overdue")
    ESCALATED = "escalated", _("Overdue case escalated")


class Notice(models.Model):
    """An in-app notice to one user about one union. `key` names the condition (e.g. "pace:kecheng:2025:Q2"):
    one notice per user and condition, however often the reminder task runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind.choices)
    key = models.CharField(max_length=120)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # When its email went out: empty until the mail server took it (or for ever, without an address).
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_unique_user_key")]
        indexes = [models.Index(fields=["user", "union", "read_at"])]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.title


class PendingRefresh(models.Model):
    """The roll-up outbox: a union's year whose refresh could not be enqueued after a commit (Redis or the
    broker down). The beat task `rollup.drain_pending` refreshes and deletes these rows every minute, so the
    change reaches the city minutes after Redis is back rather than at the nightly run.

    In the public schema, next to the roll-up rows it heals: the drain is one query over all unions instead of
    a pass through every union's schema each minute, and a removed union takes its rows with it (CASCADE).
    The row is written after the commit (the write it follows is already saved), so a crash in between is
    still corrected by the nightly run."""

    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["union", "year"], name="rollup_pending_unique_union_year")]
        verbose_name = _("pending roll-up refresh")
        verbose_name_plural = _("pending roll-up refreshes")

    def __str__(self) -> str:
        return f"{self.union_id}/{self.year}"
