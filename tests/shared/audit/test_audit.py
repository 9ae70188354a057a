"""The audit log: every tracked write records who, when and what changed, in the schema of the union it was
made for (the public schema on the base domain)."""

import datetime

from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from oversight.assessment.services import adjustment_add
from shared.accounts.models import Membership, User
from shared.catalogues.services import topic_create
from tenants.enterprises.models import Enterprise
from tenants.events.services import event_create
from tests.conftest import host


def entries_in(schema: str, model: str) -> list[LogEntry]:
    with schema_context(schema):
        return list(
            LogEntry.objects.filter(content_type__model=model).select_related("actor").order_by("timestamp", "pk")
        )


def test_a_service_given_an_actor_records_it_in_the_unions_schema(world, in_union):
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        event = event_create(
            actor=staff,
            title="审计测试活动",
            planned_date=timezone.localdate() + datetime.timedelta(days=5),
            venue_kind="enterprise",
            venue_name="某企业",
        )
    [entry] = [e for e in entries_in("tcounty1", "event") if e.object_pk == str(event.pk)]
    assert entry.action == LogEntry.Action.CREATE and entry.actor == staff
    assert entry.changes_dict["title"][1] == "审计测试活动"
    # Nowhere else: not in another union's schema, not in the public one.
    assert all(e.object_repr != entry.object_repr for e in entries_in("tcounty2", "event"))
    assert all(e.object_repr != entry.object_repr for e in entries_in("public", "event"))


def test_an_api_call_with_a_token_records_the_tokens_user(world, api, in_union):
    response = api("tcounty1-staff", "tcounty1").post("/api/v1/enterprises/", {"name": "令牌审计企业"}, format="json")
    assert response.status_code == 201, response.json()
    with in_union("tcounty1"):
        enterprise = Enterprise.objects.get(name="令牌审计企业")
    [entry] = [e for e in entries_in("tcounty1", "enterprise") if e.object_pk == str(enterprise.pk)]
    assert entry.actor == world.user("tcounty1-staff")


def test_a_page_edit_records_the_signed_in_user_and_the_change(world, in_union):
    # A forged X-Forwarded-For from a client that is no trusted proxy changes nothing.
    client = Client(HTTP_HOST=host("tcounty1"), REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.9")
    client.force_login(world.user("tcounty1-admin"))
    target = Membership.objects.get(user=world.user("tcounty1-colleague"), union=world.union("tcounty1"))
    assert client.post(f"/members/{target.pk}/role/", {"role": "viewer"}).status_code == 302
    [entry] = [e for e in entries_in("tcounty1", "membership") if e.object_pk == str(target.pk)]
    assert entry.actor == world.user("tcounty1-admin")
    assert entry.changes_dict["role"] == ["staff", "viewer"]
    assert entry.remote_addr == "203.0.113.5"


def test_catalogue_and_assessment_writes_are_recorded(world, in_union):
    city_admin = world.user("tcity-admin")
    with in_union("tcity"):
        topic = topic_create(actor=city_admin, name="审计测试主题")
        adjustment = adjustment_add(
            city=world.union("tcity"),
            year=timezone.localdate().year,
            union_code="tcounty1",
            points="1.5",
            reason="加分测试",
            actor=city_admin,
        )
    topics = [e for e in entries_in("tcity", "topic") if e.object_pk == str(topic.pk)]
    adjustments = [e for e in entries_in("tcity", "adjustment") if e.object_pk == str(adjustment.pk)]
    assert [e.actor for e in topics] == [city_admin] and [e.actor for e in adjustments] == [city_admin]


def test_archiving_on_the_base_domain_is_in_the_public_log(world):
    root = User.objects.create_superuser(username="root-audit", password="x-pass-123", email="ra@example.com")
    client = Client(HTTP_HOST="localhost")
    client.force_login(root)
    assert client.post("/unions/tcounty2/archive/").status_code == 302
    connection.set_schema_to_public()
    entry = [e for e in entries_in("public", "union") if e.object_pk == str(world.union("tcounty2").pk)][-1]
    assert entry.action == LogEntry.Action.UPDATE and entry.actor == root
    assert entry.changes_dict["archived_on"][0] == "None"
