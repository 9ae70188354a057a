"""Writes of the city's oversight: refreshing the roll-up, quota rules, notices and the nightly reminders."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from shared.accounts.models import Membership, Role
from shared.core.exceptions import ApplicationError
from shared.unions.models import Union, UnionLevel
from tenants.cases.models import Case
from tenants.cases.selectors import case_overdue_condition
from tenants.liaisons.services import liaison_reminders_send
from tenants.stats.selectors import STAT_KEYS, union_year_stats

from .models import Notice, NoticeKind, PendingRefresh, QuotaRule, UnionYearStats
from .selectors import compliance_for_union, rollup_years_of_union

logger = logging.getLogger(__name__)


def rollup_refresh(
    *, union: Union, year: int | None = None, years: Iterable[int] | None = None, today: datetime.date | None = None
) -> list[UnionYearStats]:
    """Recompute the roll-up rows of one union from its own schema, with the very selector behind
    GET /api/v1/stats/. `year` (or `years`) limits the work; without them every year that has data or
    already has a row, plus the current year, is recomputed. Idempotent: running it twice leaves the same rows."""
    today = today or timezone.localdate()
    if year is not None:
        wanted = {int(year)}
    elif years is not None:
        wanted = {int(y) for y in years}
    else:
        # Rows that exist are recomputed too: a year whose last event moved away must drop to zero.
        wanted = set(UnionYearStats.objects.filter(union=union).values_list("year", flat=True)) | {today.year}
    with schema_context(union.schema_name):
        if year is None and years is None:
            wanted |= rollup_years_of_union()
        figures = {y: union_year_stats(year=y, today=today, record_days=union.record_days) for y in sorted(wanted)}
    now = timezone.now()
    rows = []
    for y, stats in figures.items():
        defaults = {key: stats[key] for key in STAT_KEYS}
        defaults["events_held_by_month"] = stats["events_held_by_month"]
        defaults["cases_overdue_by_department"] = stats["cases_overdue_by_department"]
        defaults["computed_at"] = now
        row, _created = UnionYearStats.objects.update_or_create(union=union, year=y, defaults=defaults)
        rows.append(row)
    return rows


def rollup_refresh_all(*, year: int | None = None, today: datetime.date | None = None) -> int:
    """Recompute every union's rows (the nightly run, and `manage.py refresh_rollup`). Returns the number of
    rows written. A union's failure does not stop the others; it is logged and reported at the end."""
    written, failed = 0, []
    for union in Union.objects.order_by("pk"):
        try:
            written += len(rollup_refresh(union=union, year=year, today=today))
        except Exception:
            logger.exception("Roll-up refresh of union %s failed", union.code)
            failed.append(union.code)
    if failed:
        raise RuntimeError(f"Roll-up refresh failed for: {', '.join(failed)}")
    return written


def rollup_pending_add(*, union_id: int, year: int) -> None:
    """Remember (durably, in the outbox) that this union's `year` needs a refresh that could not be enqueued.
    Idempotent: one row per union and year, however many changes wait."""
    PendingRefresh.objects.bulk_create([PendingRefresh(union_id=union_id, year=year)], ignore_conflicts=True)


def rollup_pending_drain() -> int:
    """Refresh and delete every outbox row; returns how many were refreshed. Each row is taken under a lock
    (skipping one another drain holds) and deleted in the transaction of its refresh: a change committed during
    the refresh adds the row again (its insert waits for this transaction), so nothing is lost, and a refresh
    that fails keeps its row for the next run. A removed union's rows went with it (CASCADE)."""
    done = 0
    for pk in list(PendingRefresh.objects.order_by("pk").values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                pending = PendingRefresh.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                if pending is None:  # drained meanwhile, or its union was removed
                    continue
                union = Union.objects.get(pk=pending.union_id)
                pending.delete()
                rollup_refresh(union=union, year=pending.year)
            done += 1
        except Exception:
            logger.exception("Pending roll-up refresh %s failed; kept for the next run", pk)
        finally:
            connection.set_schema_to_public()
    return done


# At most one event a day: a larger minimum is a typing error, and one beyond the column's range would be a 500.
MAX_QUOTA = 366


def quota_rule_set(*, year: int, level: str, min_events_held: int) -> QuotaRule:
    errors: dict[str, list] = {}
    if level not in UnionLevel.values:
        errors["level"] = [_("The level must be “province”, “city” or “county”.")]
    if not isinstance(min_events_held, int) or not 0 <= min_events_held <= MAX_QUOTA:
        errors["min_events_held"] = [
            _("Enter a whole number from 0 to %(most)d.") % {"most": MAX_QUOTA},
        ]
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    rule, _created = QuotaRule.objects.update_or_create(
        year=year, level=level, defaults={"min_events_held": min_events_held}
    )
    return rule


def notice_create(
    *, user, union: Union, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> Notice | None:
    """Create the notice, and enqueue its email once committed, unless this user already has a notice with
    this key. Returns the new notice, or None when it existed (once per condition)."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(user=user, union=union, kind=kind, key=key, title=title, body=body, url=url)
    except IntegrityError:
        return None
    if user.email:
        transaction.on_commit(lambda: _notice_email_enqueue(notice_id=notice.pk))
    return notice


NOTICE_EMAIL_DAYS = 2  # the nightly run enqueues again the emails of notices this recent that did not go out


def _notice_email_enqueue(*, notice_id: int) -> None:
    from .tasks import notice_email_deliver_task

    try:
        notice_email_deliver_task.delay(notice_id)
    except Exception:  # the broker is down: the notice is there, and the next nightly run enqueues its email
        logger.warning("Could not enqueue the email of notice %s; the nightly run will.", notice_id, exc_info=True)


def notice_email_deliver(*, notice_id: int) -> bool:
    """Send the notice's email unless it went out already. The row is locked while sending, so two runs
    never both send it, and a sent email is never sent again. True when it went out now; a passing failure
    (shared.core.mail.TRANSIENT_SEND_ERRORS) is raised, for the task's retry."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update(of=("self",)).select_related("user").filter(pk=notice_id).first()
        if notice is None or notice.emailed_at is not None or not notice.user.email or not notice.user.is_active:
            return False
        send_mail(subject=notice.title, message=notice.body, from_email=None, recipient_list=[notice.user.email])
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
    return True


def notice_emails_enqueue_unsent(*, now: datetime.datetime | None = None) -> int:
    """Enqueue again the emails of recent notices that did not go out (the broker was down, or every retry
    failed). Returns how many were enqueued; delivering is idempotent, so one enqueued twice is sent once."""
    since = (now or timezone.now()) - datetime.timedelta(days=NOTICE_EMAIL_DAYS)
    unsent = list(
        Notice.objects.filter(emailed_at__isnull=True, created_at__gte=since, user__is_active=True)
        .exclude(user__email="")
        .values_list("pk", flat=True)
    )
    for notice_id in unsent:
        _notice_email_enqueue(notice_id=notice_id)
    return len(unsent)


def notice_mark_read(*, notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def _members(union: Union, roles: Iterable[str]):
    return [
        m.user
        for m in Membership.objects.filter(union=union, role__in=list(roles), user__is_active=True).select_related(
            "user"
        )
    ]


def _quarter_key(today: datetime.date, year: int) -> str:
    quarters_done = (today.month - 1) // 3 if today.year == year else 4
    return f"Q{quarters_done}"


def _overdue_notices(union: Union, overdue: list[dict]) -> int:
    """The union's admins and staff, once per overdue case: it passed its deadline without an outcome."""
    created = 0
    recipients = _members(union, [Role.ADMIN, Role.STAFF])
    for case in overdue:
        key = f"overdue:{union.code}:{case['pk']}"
        title = _("Case overdue: %(title)s") % {"title": case["title"]}
        body = _("The case “%(title)s” of %(union)s passed its deadline %(deadline)s without an outcome.") % {
            "title": case["title"],
            "union": union.name,
            "deadline": case["deadline"].isoformat(),
        }
        for user in recipients:
            if notice_create(
                user=user, union=union, kind=NoticeKind.OVERDUE, key=key, title=title, body=body,
                url=f"/cases/{case['pk']}/",
            ):  # fmt: skip
                created += 1
    return created


def _escalations(union: Union, overdue: list[dict], *, today: datetime.date) -> int:
    """The union's admins, once per case and deadline, when a case is `union.escalation_days` days or more
    past its deadline (the hotline's 督办: the department did not answer, the union's leadership steps in)."""
    late = [c for c in overdue if (today - c["deadline"]).days >= union.escalation_days]
    if not late:
        return 0
    created = 0
    admins = _members(union, [Role.ADMIN])
    for case in late:
        days = (today - case["deadline"]).days
        key = f"escalated:{union.code}:{case['pk']}:{case['deadline'].isoformat()}"
        title = _("Escalated: “%(title)s” is %(days)s days overdue") % {"title": case["title"], "days": days}
        body = _(
            "The case “%(title)s” of %(union)s passed its deadline %(deadline)s %(days)s days ago and still has "
            "no outcome. Please follow it up with the department."
        ) % {"title": case["title"], "union": union.name, "deadline": case["deadline"].isoformat(), "days": days}
        for user in admins:
            if notice_create(
                user=user, union=union, kind=NoticeKind.ESCALATED, key=key, title=title, body=body,
                url=f"/cases/{case['pk']}/",
            ):  # fmt: skip
                created += 1
    return created


def reminders_send(*, today: datetime.date | None = None) -> dict[str, int]:
    """Notify, once per condition: the admins of each county union that is behind the quarterly pace
    (from the roll-up); the admins and staff of each union with overdue cases; its admins again when a case
    is the union's escalation_days past its deadline; and, before a deadline, the department liaisons of a
    referred case (one pass per schema: this runs nightly, so looping over the schemas is fine here). Each
    notice's email goes out through a task that retries (`notice_email_deliver`).
    Returns the number of new notices (and liaison reminders, and emails enqueued again)."""
    today = today or timezone.localdate()
    created = {"pace": 0, "overdue": 0, "escalated": 0, "liaison_reminders": 0}
    # First, before this run's notices enqueue their own: the emails of earlier ones that did not go out.
    created["emails_enqueued_again"] = notice_emails_enqueue_unsent()
    with translation.override(settings.LANGUAGE_CODE):
        # An archived union is closed: nobody there is asked to act.
        for union in Union.objects.filter(level=UnionLevel.COUNTY, archived_on__isnull=True).order_by("pk"):
            row = compliance_for_union(union=union, year=today.year, today=today)
            if row["pace"] != "at_risk":
                continue
            key = f"pace:{union.code}:{today.year}:{_quarter_key(today, today.year)}"
            title = _("%(union)s is behind the quarterly pace of events") % {"union": union.name}
            body = _(
                "By %(date)s %(union)s should have held %(due)s of its %(quota)s events for %(year)s; "
                "it has held %(held)s."
            ) % {
                "date": today.isoformat(),
                "union": union.name,
                "due": row["due_by_now"],
                "quota": row["quota"],
                "year": today.year,
                "held": row["events_held"],
            }
            for user in _members(union, [Role.ADMIN]):
                if notice_create(
                    user=user, union=union, kind=NoticeKind.PACE, key=key, title=title, body=body, url="/events/"
                ):
                    created["pace"] += 1

        for union in Union.objects.filter(archived_on__isnull=True).order_by("pk"):
            with schema_context(union.schema_name):
                created["liaison_reminders"] += liaison_reminders_send(today=today)
                overdue = list(
                    Case.objects.filter(case_overdue_condition(today=today))
                    .order_by("deadline", "pk")
                    .values("pk", "title", "deadline")
                )
            if not overdue:
                continue
            created["overdue"] += _overdue_notices(union, overdue)
            created["escalated"] += _escalations(union, overdue, today=today)
    return created
