"""Shared fixtures.

Schemas are expensive, so the unions of the test world are made once per test database (session
scope, kept by --reuse-db) and every test runs inside a transaction that is rolled back: tests stay
independent while sharing tenants.

The world has two cities, so every feature can be checked against the healthchecks trio: the user
who may, a colleague, and someone from another union who must be refused.

    tcity (city)  ── tcounty1, tcounty2
    ocity (city)  ── ocounty

The province level's tests add two provinces for the length of their module (`province_world`), and remove
them afterwards, so that every other test sees the world above unchanged:

    tprov (province) ── pcity ── pcounty1, pcounty2
                     └─ qcity ── qcounty
    oprov (province) ── oprovcity
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework.test import APIClient

from shared.accounts.models import Membership, Role, User
from shared.unions.models import Union
from tests.clock import TODAY, noon
from tests.factories import PASSWORD

WORLD = [
    # code, name, level, parent, region
    ("tcity", "测试市总工会", "city", None, "339900"),
    ("tcounty1", "测试一区总工会", "county", "tcity", "339901"),
    ("tcounty2", "测试二县总工会", "county", "tcity", "339902"),
    ("ocity", "他市总工会", "city", None, "339800"),
    ("ocounty", "他市一县总工会", "county", "ocity", "339801"),
]


PROVINCE_WORLD = [
    ("tprov", "测试省总工会", "province", None, "320000"),
    ("pcity", "测试甲市总工会", "city", "tprov", "320100"),
    ("pcounty1", "甲市一区总工会", "county", "pcity", "320101"),
    ("pcounty2", "甲市二县总工会", "county", "pcity", "320102"),
    ("qcity", "测试乙市总工会", "city", "tprov", "320200"),
    ("qcounty", "乙市一县总工会", "county", "qcity", "320201"),
    ("oprov", "他省总工会", "province", None, "310000"),
    ("oprovcity", "他省一市总工会", "city", "oprov", "310100"),
]


def host(code: str) -> str:
    return f"{code}.localhost"


@dataclass
class World:
    unions: dict[str, Union]
    users: dict[str, User]

    def union(self, code: str) -> Union:
        return self.unions[code]

    def user(self, name: str) -> User:
        return self.users[name]


def _ensure_unions(entries) -> dict[str, Union]:
    from shared.unions.services import union_create

    unions = {}
    for code, name, level, parent, region in entries:
        union = Union.objects.filter(code=code).first() or union_create(
            code=code, name=name, level=level, parent_code=parent, region_code=region, domain=host(code)
        )
        unions[code] = union
    return unions


def _ensure_members(unions: dict[str, Union]) -> dict[str, User]:
    """An admin, a staff member and a viewer of each union: "<code>-<role>"."""
    users = {}
    for code in unions:
        for role in Role.values:
            username = f"{code}-{role}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=f"{code} {role}", email=f"{username}@example.com")
                user.set_password(PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, union=unions[code], defaults={"role": role})
            users[username] = user
    return users


def _ensure_world() -> World:
    unions = _ensure_unions(WORLD)
    users = _ensure_members(unions)
    # A colleague: a second staff member of tcounty1.
    colleague = User.objects.filter(username="tcounty1-colleague").first()
    if colleague is None:
        colleague = User(username="tcounty1-colleague", full_name="同事")
        colleague.set_password(PASSWORD)
        colleague.save()
    Membership.objects.get_or_create(user=colleague, union=unions["tcounty1"], defaults={"role": Role.STAFF})
    users["tcounty1-colleague"] = colleague
    # Someone with an account but no membership at all.
    stranger = User.objects.filter(username="stranger").first()
    if stranger is None:
        stranger = User(username="stranger")
        stranger.set_password(PASSWORD)
        stranger.save()
    users["stranger"] = stranger
    return World(unions=unions, users=users)


@pytest.fixture(scope="session")
def _session_world(django_db_setup, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        # The world is committed: make sure it never lands anywhere but a test database.
        name = connection.settings_dict["NAME"]
        assert name.startswith("test_"), f"refusing to build the test world in database {name!r}"
        _discard_province_world()  # left by an interrupted run: the world has no province
        world = _ensure_world()
        connection.set_schema_to_public()
    return world


def _discard_province_world() -> None:
    from shared.unions.services import union_discard

    codes = [code for code, *_rest in PROVINCE_WORLD]
    # Their memberships go with them; the accounts stay (without a union they open nothing) and are reused.
    for root in Union.objects.filter(code__in=codes, parent__isnull=True):
        union_discard(union=root)
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def province_world(_session_world, django_db_blocker) -> World:
    """The two provinces of PROVINCE_WORLD and their members, committed for one test module and added to the
    world (so `world`, `api`, `page` and `in_union` know them), then removed with everything below them."""
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_")
        _discard_province_world()  # what an interrupted run may have left
        unions = _ensure_unions(PROVINCE_WORLD)
        users = _ensure_members(unions)
        connection.set_schema_to_public()
    _session_world.unions.update(unions)
    _session_world.users.update(users)
    yield _session_world
    for code in unions:
        del _session_world.unions[code]
    for username in users:
        del _session_world.users[username]
    with django_db_blocker.unblock():
        _discard_province_world()


@pytest.fixture
def world(_session_world, db) -> World:
    return _session_world


@pytest.fixture
def api(world):
    """api(username, code) -> an APIClient calling union `code`'s host with that user's token."""
    from rest_framework.authtoken.models import Token

    def make(username: str | None, code: str) -> APIClient:
        client = APIClient(HTTP_HOST=host(code))
        if username:
            token, _ = Token.objects.get_or_create(user=world.user(username))
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def in_union(world):
    """in_union(code): a context manager that runs ORM code inside that union's schema."""

    def enter(code: str):
        return schema_context(world.union(code).schema_name)

    return enter


@pytest.fixture
def on_day(time_machine):
    """on_day(day): holds the clock at noon (Asia/Shanghai) of `day`, ticking, and returns the day, so that the
    test's dates and the services' timezone.localdate() agree however near midnight the test runs. Time-machine
    patches this process only: a test that hands work to a real Celery worker with a countdown must not use it."""

    def move(day: datetime.date) -> datetime.date:
        time_machine.move_to(noon(day), tick=True)
        return day

    return move


@pytest.fixture
def on_today(on_day) -> datetime.date:
    """The clock held on tests.clock.TODAY, the day the run began."""
    return on_day(TODAY)


@pytest.fixture
def celery_eager():
    """Tasks run in the calling process. Celery reads its configuration once, so the app's own conf is
    switched (changing Django's CELERY_* settings at run time would leave tasks going to the broker)."""
    from config.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture
def rollup_as_written(monkeypatch):
    """Publish from the roll-up rows as the test wrote them (assessment helpers.roll_up: known figures, no events
    behind them), skipping the refresh assessment_publish runs first. For tests of what publishing freezes,
    and of verify_published finding figures their events do not give."""
    monkeypatch.setattr("oversight.assessment.services.rollup_refresh", lambda **kwargs: [])
