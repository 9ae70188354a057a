"""Fixtures for the page tests: a browser-like test client on a union's host, signed in by session."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.clock import held_lately
from tests.conftest import host


@pytest.fixture
def page(world):
    """page(username, code) -> a test Client on union `code`'s host, signed in as that user (None: anonymous)."""

    def make(username: str | None, code: str) -> Client:
        client = Client(HTTP_HOST=host(code))
        if username:
            client.force_login(world.user(username))
        return client

    return make


@pytest.fixture
def make_event(world, in_union):
    """make_event(code, **fields) -> an event of that union, made through the events service."""
    from tenants.events.services import event_create, event_record_held

    def make(code: str, *, held: bool = False, **fields):
        actor = world.user(f"{code}-staff")
        values = {
            "title": "防欠薪 工情直通车",
            "planned_date": timezone.localdate() + datetime.timedelta(days=3),
            "venue_kind": "enterprise",
            "venue_name": "测试企业",
        }
        values.update(fields)
        with in_union(code):
            if held:
                values["planned_date"] = held_lately()
            event = event_create(actor=actor, **values)
            if held:
                event = event_record_held(
                    event=event, actor=actor, held_date=values["planned_date"], worker_attendance=40
                )
        return event

    return make


@pytest.fixture
def make_case(world, in_union):
    from tenants.cases.services import case_raise

    def make(code: str, **fields):
        values = {"kind": "request", "title": "工资拖欠三个月", "source": "hotline"}
        values.update(fields)
        with in_union(code):
            return case_raise(actor=world.user(f"{code}-staff"), **values)

    return make


@pytest.fixture
def campaign(world):
    """tcity's campaign 10万职工安康行 with tcity and its two counties taking part (three indicators)."""
    from tests.oversight.campaigns.campaign_data import create_campaign

    return create_campaign(world)
