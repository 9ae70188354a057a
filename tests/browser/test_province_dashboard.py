"""The province's dashboard in a real headless Chromium: a city's event reaches the province through the
roll-up, the city appears in the quota progress and in the city ranking, and its link opens the read-only
drill-down. Screenshot: artifacts/screenshots/40-province-dashboard.png."""

from __future__ import annotations

import pytest

from .conftest import in_thread, sign_in, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _clean_up() -> None:
    from django_tenants.utils import schema_context

    from oversight.rollup.models import UnionYearStats
    from shared.unions.models import Union
    from tenants.events.models import Event, EventCounter

    UnionYearStats.objects.filter(union__in=Union.objects.filter(code__in=["e2eprov", "e2eprovcity"])).delete()
    with schema_context("e2eprovcity"):
        Event.objects.all().delete()
        EventCounter.objects.update(last_number=0)


@pytest.fixture(autouse=True)
def clean(e2e_server):
    in_thread(_clean_up)
    yield
    in_thread(_clean_up)


def _city_event_rolled_up() -> None:
    """The city records a held event; the worker's roll-up refresh runs here (no worker in the test session)."""
    from django_tenants.utils import schema_context

    from oversight.rollup.services import rollup_refresh
    from shared.accounts.models import User
    from shared.unions.models import Union
    from tenants.events.services import event_create, event_record_held
    from tests.clock import held_lately

    city, actor = Union.objects.get(code="e2eprovcity"), User.objects.get(username="e2eprovcity-staff")
    held = held_lately(today())
    with schema_context(city.schema_name):
        event = event_create(actor=actor, title="省级示范：安全生产进园区", planned_date=held, venue_kind="park")
        event_record_held(event=event, actor=actor, held_date=held, worker_attendance=321)
    rollup_refresh(union=city, year=held.year)


def test_province_dashboard_ranks_its_city_and_drills_down(new_page, url, shot):
    in_thread(_city_event_rolled_up)
    page = new_page()
    sign_in(page, url, "e2eprov", "e2eprov-admin")
    page.click("text=全省看板")
    page.wait_for_url(url("e2eprov", "/city/"))
    assert "全省看板" in page.locator("h1").inner_text()
    progress = page.locator('#compliance [data-union="e2eprovcity"]')
    assert "端到端测试省一市总工会" in progress.inner_text()
    ranking = page.locator('[data-ranking="cities"] tr[data-union="e2eprovcity"]')
    cells = ranking.locator("td").all_inner_texts()
    assert cells[0].strip() == "1" and "321" in cells
    shot(page, "40-province-dashboard")
    ranking.locator("a").click()
    page.wait_for_url(url("e2eprov", "/city/unions/e2eprovcity/") + "*")
    assert "省级示范：安全生产进园区" in page.content()
    assert page.js_errors == []
