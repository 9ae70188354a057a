"""Time the daily pages of issue 12 on the loaded demo data (make demo's database): each page requested
--runs times through Django's full stack (middleware, tenancy, templates) by a signed-in demo user; prints the
median and the slowest time of each. Figures, never assertions: run it, read it.

    DATABASE_URL=... python manage.py bench_pages --runs 20
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.utils import timezone

from shared.accounts.models import User
from shared.unions.models import Union


def _pages(county: Union, year: int) -> list[tuple[str, str, str]]:
    """(label, user, path) on the county's or the city's host."""
    city = county.parent
    return [
        ("notices", f"{county.code}-staff", "/notices/"),
        ("county assessment", f"{county.code}-staff", f"/assessment/?year={year - 1}"),
        ("cases, keyword search", f"{county.code}-staff", "/cases/?q=工资"),
        ("cases .xlsx export (all)", f"{county.code}-staff", "/cases/export.xlsx"),
        ("planning", f"{county.code}-staff", f"/planning/?year={year}"),
        ("city assessment", f"{city.code}-admin", f"/city/assessment/?year={year - 1}"),
        ("drill: county's cases", f"{city.code}-admin", f"/city/unions/{county.code}/cases/?status=resolved"),
        ("drill: county's events", f"{city.code}-admin", f"/city/unions/{county.code}/events/?status=held"),
    ]


class Command(BaseCommand):
    help = "Time issue 12's daily pages on the demo data (median and max per page)."

    def add_arguments(self, parser):
        parser.add_argument("--county", default="kecheng")
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args, county, runs, **options):
        if settings.PRODUCTION:
            raise CommandError("Benchmarks run on demo data, never in production.")
        union = Union.objects.filter(code=county).select_related("parent").first()
        if union is None or union.parent is None:
            raise CommandError(f"No county {county!r} with a city: load the demo first (make demo).")
        year = timezone.localdate().year
        self.stdout.write(f"{'page':<28} {'median ms':>10} {'max ms':>8}  status  size")
        for label, username, path in _pages(union, year):
            host = union.parent if username.startswith(union.parent.code) else union
            client = Client(HTTP_HOST=f"{host.code}.{settings.UNION_BASE_DOMAIN}")
            client.force_login(User.objects.get(username=username))
            client.get(path)  # warm-up: templates and translations loaded once
            timings, response = [], None
            for _ in range(runs):
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            self.stdout.write(
                f"{label:<28} {statistics.median(timings):>10.1f} {max(timings):>8.1f}  {response.status_code:>6}"
                f"  {len(response.content)}"
            )
