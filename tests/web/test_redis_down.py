"""Fault (issue 14, item 2): Redis down (the cache, and the broker's messages). Pages and the API keep
working and every write answers what it did — never a 500 after a commit; sign-in limits (django-axes, in the
database) keep working for staff; the QR page alone fails closed (tests/web/test_intake.py). Roll-up refreshes
and export messages lost meanwhile are made up for: the nightly roll-up run
(tests/oversight/rollup/test_redis_down.py) and the export reaper (tests/oversight/assessment/test_exports.py).
"""

import datetime
import socket

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from oversight.assessment.models import Export
from oversight.assessment.tasks import assessment_export_task
from tenants.cases.models import Case
from tenants.events.models import Event
from tests.conftest import host
from tests.factories import PASSWORD

pytestmark = pytest.mark.fault


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(monkeypatch):
    """The cache on a port nobody listens on, and sending a task fails as it does without the broker."""

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(assessment_export_task, "delay", broker_down)
    location = f"redis://127.0.0.1:{_closed_port()}/0"
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    ):
        yield


def test_staff_sign_in_read_pages_and_write_through_the_api_while_redis_is_down(
    world, api, in_union, redis_down, django_capture_on_commit_callbacks
):
    browser = Client(HTTP_HOST=host("tcounty1"))
    assert browser.post("/login/", {"username": "tcounty1-staff", "password": PASSWORD}).status_code == 302
    for path in ("/", "/events/", "/cases/"):
        assert browser.get(path).status_code == 200, path

    staff = api("tcounty1-staff", "tcounty1")
    day = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        created = staff.post(
            "/api/v1/events/", {"title": "断网也要办", "planned_date": day, "venue_kind": "enterprise"}, format="json"
        )
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        changed = staff.patch(f"/api/v1/events/{event_id}/", {"venue_name": "园区"}, format="json")
        raised = staff.post(f"/api/v1/events/{event_id}/cases/", {"kind": "request", "title": "加班费"}, format="json")
    assert changed.status_code == 200 and raised.status_code == 201, raised.content
    with in_union("tcounty1"):
        assert Event.objects.get(pk=event_id).venue_name == "园区"
        assert Case.objects.filter(event_id=event_id, title="加班费").count() == 1


def test_an_export_requested_while_the_broker_is_down_is_recorded_and_answered(
    world, api, redis_down, django_capture_on_commit_callbacks
):
    city = api("tcity-admin", "tcity")
    with django_capture_on_commit_callbacks(execute=True):
        response = city.post("/api/v1/city/assessment/exports/", {"year": 2024, "format": "csv"}, format="json")
    assert response.status_code == 202, response.content
    assert Export.objects.get(pk=response.json()["id"]).status == "pending"  # sent again by the reaper
