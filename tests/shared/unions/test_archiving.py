"""Archiving a union: its hosts are closed (pages and API), its city leaves it out from that year, its data
stays, restore brings it back; deletion only when archived and confirmed with the code."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists

from oversight.assessment.selectors import assessment_view
from oversight.rollup.selectors import compliance_for_city, rollup_for_city
from shared.core.exceptions import ApplicationError
from shared.unions.archiving import union_archive, union_delete, union_restore
from shared.unions.models import Union
from tests.clock import MIDYEAR, TODAY
from tests.conftest import host
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("on_today")
THIS_DAY = TODAY
THIS_YEAR = TODAY.year


def fresh(code: str) -> Union:
    # Never the world's shared objects: what a test changes must not outlive its transaction.
    return Union.objects.get(code=code)


def codes(rows) -> set[str]:
    return {row["union"].code for row in rows}


def test_an_archived_unions_pages_and_api_answer_410_and_nobody_signs_in(world):
    union_archive(union=fresh("tcounty2"))
    client = Client(HTTP_HOST=host("tcounty2"))
    home = client.get("/")
    assert home.status_code == 410 and "已归档" in home.content.decode()
    login = client.post("/login/", {"username": "tcounty2-admin", "password": PASSWORD})
    assert login.status_code == 410 and "_auth_user_id" not in client.session
    token = client.post("/api/v1/auth/token/", {"username": "tcounty2-admin", "password": PASSWORD})
    assert token.status_code == 410
    error = token.json()["error"]
    assert error["code"] == "union_archived" and "归档" in error["message"] and error["fields"] == {}
    signed_in = Client(HTTP_HOST=host("tcounty2"))
    signed_in.force_login(world.user("tcounty2-admin"))
    assert signed_in.get("/events/").status_code == 410
    # Other unions are untouched.
    assert Client(HTTP_HOST=host("tcounty1")).get("/login/").status_code == 200


def test_the_city_leaves_it_out_from_the_year_it_was_archived_and_says_so(world):
    last_year = THIS_YEAR - 1
    union_archive(union=fresh("tcounty2"))
    assert codes(compliance_for_city(city=fresh("tcity"), year=THIS_YEAR)) == {"tcounty1"}
    assert codes(compliance_for_city(city=fresh("tcity"), year=last_year)) == {"tcounty1", "tcounty2"}
    assert "tcounty2" not in {row.union.code for row in rollup_for_city(city=fresh("tcity"), year=THIS_YEAR)}
    view = assessment_view(city=fresh("tcity"), year=THIS_YEAR)
    assert [row["union"] for row in view["rows"]] == ["tcounty1"]
    assert [u["code"] for u in view["left_out"]] == ["tcounty2"]
    assert assessment_view(city=fresh("tcity"), year=last_year)["left_out"] == []
    city_staff = Client(HTTP_HOST=host("tcity"))
    city_staff.force_login(world.user("tcity-staff"))
    dashboard = city_staff.get(f"/city/?year={THIS_YEAR}").content.decode()
    assert "已归档" in dashboard and "测试二县总工会" in dashboard
    assessment = city_staff.get(f"/city/assessment/?year={THIS_YEAR}").content.decode()
    assert "已归档" in assessment
    compliance = city_staff.get(f"/api/v1/city/compliance/?year={THIS_YEAR}").json()
    assert [row["union"]["code"] for row in compliance["results"]] == ["tcounty1"]
    assert [(u["code"], u["archived_on"]) for u in compliance["left_out"]] == [("tcounty2", THIS_DAY.isoformat())]
    assert city_staff.get(f"/api/v1/city/compliance/?year={last_year}").json()["left_out"] == []
    # Restored, it counts again.
    union_restore(union=fresh("tcounty2"))
    assert codes(compliance_for_city(city=fresh("tcity"), year=THIS_YEAR)) == {"tcounty1", "tcounty2"}
    assert Client(HTTP_HOST=host("tcounty2")).get("/login/").status_code == 200


def test_archived_this_year_still_counts_for_an_earlier_archive_date(world):
    union_archive(union=fresh("tcounty2"), today=datetime.date(THIS_YEAR - 2, 6, 1))
    assert codes(compliance_for_city(city=fresh("tcity"), year=THIS_YEAR - 3)) == {"tcounty1", "tcounty2"}
    assert codes(compliance_for_city(city=fresh("tcity"), year=THIS_YEAR - 2)) == {"tcounty1"}


def test_rules_of_archive_and_restore(world):
    with pytest.raises(ApplicationError) as error:
        union_archive(union=fresh("tcity"))  # its counties are active
    assert error.value.code == "active_children"
    with pytest.raises(ApplicationError):
        union_restore(union=fresh("tcounty1"))  # not archived
    union_archive(union=fresh("ocounty"))
    union_archive(union=fresh("ocity"))
    with pytest.raises(ApplicationError) as error:
        union_restore(union=fresh("ocounty"))  # its city is archived
    assert error.value.code == "parent_archived"
    with pytest.raises(ApplicationError) as error:
        union_archive(union=fresh("ocounty"))
    assert error.value.code == "already_archived"


def test_delete_needs_an_archived_union_and_its_code(world):
    from tests.shared.unions.test_provisioning import tcity_county

    union = tcity_county("tgone", "将删除县总工会", "339907")
    assert schema_exists("tgone")
    with pytest.raises(ApplicationError) as error:
        union_delete(union=fresh("tgone"), confirmation="tgone")
    assert error.value.code == "not_archived"
    union_archive(union=fresh("tgone"))
    with pytest.raises(ApplicationError) as error:
        union_delete(union=fresh("tgone"), confirmation="tgon")
    assert "confirmation" in error.value.fields
    assert schema_exists("tgone")
    union_delete(union=fresh("tgone"), confirmation=" tgone ")
    assert not schema_exists("tgone") and not Union.objects.filter(pk=union.pk).exists()
    # The deletion stays on record in the public log.
    connection.set_schema_to_public()
    deleted = LogEntry.objects.filter(object_pk=str(union.pk), action=LogEntry.Action.DELETE).get()
    assert deleted.content_type.model == "union" and deleted.changes_dict["code"][0] == "tgone"


def test_nobody_in_an_archived_union_is_reminded(
    world, in_union, on_day, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    from oversight.rollup.models import Notice
    from oversight.rollup.services import reminders_send, rollup_refresh
    from tests.oversight.rollup.helpers import held_event, referred_case

    today = on_day(MIDYEAR)  # events held in February, a case overdue since March
    for code in ("tcounty1", "tcounty2"):  # both behind pace, with an overdue case
        with in_union(code):
            event = held_event(held_date=datetime.date(THIS_YEAR, 2, 2))
            referred_case(event, deadline=datetime.date(THIS_YEAR, 3, 1))
        rollup_refresh(union=fresh(code), year=THIS_YEAR, today=today)
    union_archive(union=fresh("tcounty1"), today=datetime.date(THIS_YEAR, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):  # the notices' emails go out after the commit
        reminders_send(today=today)
    assert not Notice.objects.filter(union=fresh("tcounty1")).exists()
    assert not [mail for mail in mailoutbox if mail.to[0].startswith("tcounty1")]
    # The union next door, not archived, is reminded: the run did reach the counties.
    assert Notice.objects.filter(union=fresh("tcounty2")).exists()
    assert [mail for mail in mailoutbox if mail.to[0].startswith("tcounty2")]


def test_an_archived_union_is_neither_invitable_nor_listed_on_the_base_domain(world):
    from shared.unions.selectors import union_invitable

    union_archive(union=fresh("tcounty2"))
    assert "tcounty2" not in {u.code for u in union_invitable(union=fresh("tcity"))}
    assert "tcounty1" in {u.code for u in union_invitable(union=fresh("tcity"))}
    index = Client(HTTP_HOST="localhost").get("/").content.decode()
    assert "测试一区总工会" in index and "测试二县总工会" not in index
