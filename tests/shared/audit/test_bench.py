"""bench_audit prints its figures and keeps nothing (speed is read from its output, never asserted)."""

import io
import re

from auditlog.models import LogEntry
from django.core.management import call_command
from django_tenants.utils import schema_context

from tenants.events.models import Event


def test_bench_audit_prints_figures_and_rolls_back(world):
    with schema_context("tcounty1"):
        events, entries = Event.objects.count(), LogEntry.objects.count()
    out = io.StringIO()
    call_command("bench_audit", "--union=tcounty1", "--writes=4", "--rounds=2", stdout=out)
    text = out.getvalue()
    assert "audited:" in text and "not audited:" in text and "ms per write" in text and "SQL queries" in text
    # Every audited creation and update wrote exactly one entry; the unaudited ones none.
    assert re.search(r"(\d+\.\d+) log entries per audited write", text).group(1) == "1.00"
    with schema_context("tcounty1"):
        assert (Event.objects.count(), LogEntry.objects.count()) == (events, entries)
