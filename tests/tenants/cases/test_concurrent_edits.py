"""Fault (issue 14): two staff acting on the same case at the same moment, as two real requests on two
database connections. Both read the same version; whichever the row lock lets in first wins, the other gets
409 with the Chinese conflict message, and nothing of it is written — never a silent overwrite.

The test's own connection sits in a transaction the request threads cannot see, so the case is committed
in the (committed) test world's tcounty1 and deleted again at the end."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from oversight.rollup import signals as rollup_signals
from tenants.cases.models import Case
from tenants.cases.services import case_raise, case_resolve
from tests.conftest import host
from tests.oversight.rollup.conftest import committed_db  # noqa: F401 (a fixture)

pytestmark = pytest.mark.fault

CONFLICT = "已有其他人保存了这条记录"


def _client(user) -> APIClient:
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient(HTTP_HOST=host("tcounty1"))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _at_once(*calls) -> list:
    """Run the calls in threads (each its own database connection) released together; their responses."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


@pytest.fixture
def committed_case(committed_db, _session_world, django_db_blocker, monkeypatch):  # noqa: F811
    """A resolved case of tcounty1, committed; removed afterwards. The roll-up is left out (no messages)."""
    monkeypatch.setattr(rollup_signals, "rollup_schedule_refresh", lambda *, schema_name, year: False)
    world = _session_world
    with django_db_blocker.unblock():
        connection.set_schema(world.union("tcounty1").schema_name)
        staff = world.user("tcounty1-staff")
        case = case_resolve(
            case=case_raise(actor=staff, kind="request", title="并发测试", source="hotline"),
            actor=staff,
            outcome="已补发",
        )
        connection.set_schema_to_public()
        try:
            yield world, case
        finally:
            connection.set_schema(world.union("tcounty1").schema_name)
            Case.objects.filter(pk=case.pk).delete()
            connection.set_schema_to_public()


def test_two_ratings_sent_at_once_from_the_same_version_one_wins_the_other_is_told(committed_case):
    world, case = committed_case
    url = f"/api/v1/cases/{case.pk}/"
    first, second = _client(world.user("tcounty1-staff")), _client(world.user("tcounty1-colleague"))
    version = first.get(url).json()["updated_at"]
    responses = _at_once(
        lambda: first.post(f"{url}rate/", {"satisfaction": 5, "updated_at": version}, format="json"),
        lambda: second.post(f"{url}rate/", {"satisfaction": 2, "updated_at": version}, format="json"),
    )
    codes = sorted(response.status_code for response in responses)
    assert codes == [200, 409], [r.content for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["error"]["code"] == "conflict" and CONFLICT in loser["error"]["message"]
    now = first.get(url).json()
    assert now["satisfaction"] == winner["satisfaction"]  # the winner's rating stands, untouched
    assert sum(line["note"].startswith("满意度") for line in now["history"]) == 1  # one rating recorded


def test_a_correction_and_a_reopen_sent_at_once_one_wins_the_other_is_told(committed_case):
    world, case = committed_case
    url = f"/api/v1/cases/{case.pk}/"
    first, second = _client(world.user("tcounty1-staff")), _client(world.user("tcounty1-colleague"))
    version = second.get(url).json()["updated_at"]
    responses = _at_once(
        lambda: first.patch(url, {"reason": "笔误", "title": "并发测试（更正）", "updated_at": version}, format="json"),
        lambda: second.post(f"{url}reopen/", {"reason": "职工不满意", "updated_at": version}, format="json"),
    )
    assert sorted(response.status_code for response in responses) == [200, 409], [r.content for r in responses]
    now = first.get(url).json()
    corrected, reopened = responses[0].status_code == 200, responses[1].status_code == 200
    assert (now["title"] == "并发测试（更正）") is corrected and (now["status"] == "raised") is reopened
    assert len(now["history"]) == 3  # raised, resolved, and the one that won
