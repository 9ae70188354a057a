"""Issue 12, item 7: an event created from a plan item, a plan item deleted, and a warning when the year's
plan has fewer events than the quota."""

import datetime

import pytest

from shared.catalogues.models import Department, Topic
from tests.conftest import host

YEAR = 2026


@pytest.fixture
def item(world, in_union):
    from tenants.planning.services import plan_item_create

    with in_union("tcounty1"):
        return plan_item_create(
            actor=world.user("tcounty1-staff"),
            year=YEAR,
            month=12,
            theme="冬季送温暖",
            topic=Topic.objects.first(),
            departments=[Department.objects.first()],
        )


def test_an_event_form_starts_from_the_plan_item(page, item):
    client = page("tcounty1-staff", "tcounty1")
    planning = client.get(f"/planning/?year={YEAR}").content.decode()
    assert f'href="/events/new/?plan={item.pk}"' in planning
    form = client.get(f"/events/new/?plan={item.pk}").content.decode()
    assert 'value="冬季送温暖"' in form
    assert f'value="{datetime.date(YEAR, 12, 15).isoformat()}"' in form or 'value="2026-12-' in form
    assert f'value="{Topic.objects.first().pk}" selected' in form
    assert client.get("/events/new/?plan=999999").status_code == 200  # an unknown item: an empty form


def test_deleting_a_plan_item(page, item, in_union):
    from tenants.planning.models import PlanItem

    client = page("tcounty1-staff", "tcounty1")
    assert client.get(f"/planning/items/{item.pk}/delete/").status_code == 302  # a GET deletes nothing
    with in_union("tcounty1"):
        assert PlanItem.objects.filter(pk=item.pk).exists()
    response = client.post(f"/planning/items/{item.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == f"/planning/?year={YEAR}"
    with in_union("tcounty1"):
        assert not PlanItem.objects.filter(pk=item.pk).exists()
    assert client.post(f"/planning/items/{item.pk}/delete/").status_code == 404


def test_the_plan_warns_below_the_quota(page, item):
    content = page("tcounty1-viewer", "tcounty1").get(f"/planning/?year={YEAR}").content.decode()
    assert 'data-warning="below-quota"' in content and "年度计划只有 1 期活动，少于年度指标 4 期" in content
    # A city has no quota of its own: no warning.
    assert (
        'data-warning="below-quota"' not in page("tcity-staff", "tcity").get(f"/planning/?year={YEAR}").content.decode()
    )


@pytest.mark.parametrize(
    "username, own_code",
    [("tcounty1-viewer", "tcounty1"), ("tcounty2-admin", "tcounty2"), ("ocity-admin", "ocity")],
)
def test_others_cannot_delete_a_plan_item(page, item, in_union, username, own_code):
    from tenants.planning.models import PlanItem

    response = page(username, own_code).post(f"/planning/items/{item.pk}/delete/", HTTP_HOST=host("tcounty1"))
    assert response.status_code == 403
    with in_union("tcounty1"):
        assert PlanItem.objects.filter(pk=item.pk).exists()
