"""The audit log page: a union's administrators read their own union's log, filter it; nobody else reads it."""

import pytest
from django.test import Client
from django.utils import timezone


@pytest.fixture
def logged(world, make_event):
    """An event of tcounty1 by its staff, and one of tcounty2."""
    own = make_event("tcounty1", title="本区审计活动")
    other = make_event("tcounty2", title="他区审计活动")
    return own, other


def test_admin_reads_own_unions_log_and_filters_it(page, world, logged):
    client = page("tcounty1-admin", "tcounty1")
    body = client.get("/audit/").content.decode()
    assert "本区审计活动" in body and "他区审计活动" not in body
    assert "审计日志" in body and "新增" in body
    staff_id = world.user("tcounty1-staff").pk
    admin_id = world.user("tcounty1-admin").pk
    assert "本区审计活动" in client.get(f"/audit/?actor={staff_id}").content.decode()
    assert "本区审计活动" not in client.get(f"/audit/?actor={admin_id}").content.decode()
    assert "本区审计活动" in client.get("/audit/?model=events.event").content.decode()
    assert "本区审计活动" not in client.get("/audit/?model=enterprises.enterprise").content.decode()
    own = logged[0]
    assert "本区审计活动" in client.get(f"/audit/?model=events.event&object={own.pk}").content.decode()
    assert client.get("/audit/?actor=abc&object=x&model=no.such").status_code == 200  # bad filters: no 500


@pytest.mark.parametrize("username", ["tcounty1-staff", "tcounty1-viewer", "tcounty1-colleague"])
def test_colleagues_without_the_admin_role_are_refused(page, logged, username):
    assert page(username, "tcounty1").get("/audit/").status_code == 403


@pytest.mark.parametrize("username, code", [("tcounty2-admin", "tcounty2"), ("ocounty-admin", "ocounty")])
def test_another_unions_admin_never_sees_this_log(page, logged, username, code):
    assert page(username, "tcounty1").get("/audit/").status_code == 403
    own_host = page(username, code).get("/audit/").content.decode()
    assert "本区审计活动" not in own_host


def test_forged_host(world, logged):
    client = Client(HTTP_HOST="nosuch.localhost")
    client.force_login(world.user("tcounty1-admin"))
    assert client.get("/audit/").status_code == 404


def test_city_sees_its_own_log(page, world, in_union):
    from oversight.assessment.services import adjustment_add

    with in_union("tcity"):
        adjustment_add(
            city=world.union("tcity"),
            year=timezone.localdate().year,
            union_code="tcounty1",
            points="2",
            reason="示范活动加分",
            actor=world.user("tcity-admin"),
        )
    body = page("tcity-admin", "tcity").get("/audit/").content.decode()
    assert "示范活动加分" in body and "tcity admin" in body
    assert "示范活动加分" not in page("tcounty1-admin", "tcounty1").get("/audit/").content.decode()
