"""What the audit log costs a write: event creations and updates with and without django-auditlog.

    python manage.py bench_audit [--union kecheng] [--writes 200] [--rounds 5]

Runs inside one union's schema, in a transaction that is rolled back at the end: nothing is kept. The rounds
alternate the order of the two ways so neither always runs on a warmer cache.
"""

from __future__ import annotations

import datetime
import statistics
import time

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.accounts.models import Membership
from shared.unions.models import Union, UnionLevel
from tenants.events.services import event_create, event_update


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time event writes with and without the audit log (median per write, in a rolled-back transaction)."

    def add_arguments(self, parser):
        parser.add_argument("--union", default=None, help="code of the union (default: the first county)")
        parser.add_argument("--writes", type=int, default=200)
        parser.add_argument("--rounds", type=int, default=5)

    def _round(self, *, actor, writes: int) -> tuple[float, float]:
        """Seconds and SQL queries per write (a creation and an update count as two)."""
        day = timezone.localdate() + datetime.timedelta(days=30)
        queries = []

        def count_query(execute, sql, params, many, context):
            queries.append(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count_query):
            started = time.perf_counter()
            for index in range(writes // 2):
                event = event_create(
                    actor=actor,
                    title=f"基准活动{index}",
                    planned_date=day,
                    venue_kind="enterprise",
                    venue_name="基准企业",
                )
                event_update(event=event, actor=actor, title=f"基准活动{index}（改）")
            elapsed = time.perf_counter() - started
        count = 2 * (writes // 2)
        return elapsed / count, len(queries) / count

    def handle(self, *args, **options):
        union = (
            Union.objects.filter(code=options["union"]).first()
            if options["union"]
            else Union.objects.filter(level=UnionLevel.COUNTY, archived_on__isnull=True).order_by("pk").first()
        )
        if union is None:
            raise CommandError("No such union (create one, or run `make demo` first).")
        membership = Membership.objects.filter(union=union).select_related("user").first()
        actor = membership.user if membership else None
        timings: dict[str, list[float]] = {"audited": [], "not audited": []}
        query_counts: dict[str, float] = {}
        entries = 0
        try:
            with schema_context(union.schema_name), transaction.atomic():
                before = LogEntry.objects.count()
                for round_number in range(options["rounds"]):
                    order = ("audited", "not audited") if round_number % 2 == 0 else ("not audited", "audited")
                    for way in order:
                        if way == "audited":
                            seconds, query_counts[way] = self._round(actor=actor, writes=options["writes"])
                        else:
                            with disable_auditlog():
                                seconds, query_counts[way] = self._round(actor=actor, writes=options["writes"])
                        timings[way].append(seconds)
                entries = LogEntry.objects.count() - before
                raise _Rollback
        except _Rollback:
            pass
        audited, plain = statistics.median(timings["audited"]), statistics.median(timings["not audited"])
        audited_writes = options["rounds"] * 2 * (options["writes"] // 2)
        self.stdout.write(f"union {union.code}, {options['rounds']} rounds of {options['writes']} event writes")
        self.stdout.write(
            f"  audited:     {audited * 1000:.2f} ms per write (median), {query_counts['audited']:.1f} SQL queries"
        )
        self.stdout.write(
            f"  not audited: {plain * 1000:.2f} ms per write (median), {query_counts['not audited']:.1f} SQL queries"
        )
        self.stdout.write(
            f"  overhead:    {(audited - plain) * 1000:.2f} ms per write ({(audited / plain - 1) * 100:.0f} %); "
            f"{entries / audited_writes:.2f} log entries per audited write"
        )
