"""The request's hot path: search_path set once per request, the union found by host from a cache that
forgets a union's hosts when it or its domains change."""

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from shared.unions.models import Domain
from tenants.enterprises.models import Enterprise


class Boom(Exception):
    pass


def test_search_path_is_not_stale_after_a_savepoint_rollback(world):
    """django-tenants issue 1262: with TENANT_LIMIT_SET_CALLS, a SET undone by ROLLBACK TO SAVEPOINT must not
    stay cached, or the next query runs in the schema the savepoint restored — another union's rows."""
    assert settings.TENANT_LIMIT_SET_CALLS
    with schema_context("tcounty1"):
        Enterprise.objects.create(name="一区企业")
    connection.set_schema("tcounty1")
    assert Enterprise.objects.count() == 1  # the connection is on tcounty1
    with pytest.raises(Boom), transaction.atomic():
        connection.set_schema("tcounty2")
        assert Enterprise.objects.count() == 0  # SET to tcounty2, inside the savepoint
        raise Boom
    # The database went back to tcounty1; the connection still says tcounty2 and must send the SET again.
    assert connection.schema_name == "tcounty2"
    assert Enterprise.objects.count() == 0
    connection.set_schema("tcounty1")
    assert Enterprise.objects.count() == 1


def _statements(api, username, code, path):
    client = api(username, code)
    client.get(path)  # warm: token, host cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/events/?page_size=20", "/api/v1/cases/?page_size=20"])
def test_a_request_sets_search_path_once_and_finds_its_union_in_the_cache(api, path):
    statements = _statements(api, "tcounty1-staff", "tcounty1", path)
    assert [sql for sql in statements if sql.startswith("SET search_path")] == ['SET search_path = "tcounty1","public"']
    assert not [sql for sql in statements if "unions_domain" in sql]


def test_renamed_domain_is_served_at_its_new_host_only(api, world):
    assert api("tcounty1-staff", "tcounty1").get("/api/v1/me/").status_code == 200  # cached now
    domain = Domain.objects.get(domain="tcounty1.localhost")
    domain.domain = "renamed1.localhost"
    domain.save()
    assert api("tcounty1-staff", "tcounty1").get("/api/v1/me/").status_code == 404
    assert api("tcounty1-staff", "renamed1").get("/api/v1/me/").json()["union"]["code"] == "tcounty1"


def test_changed_union_is_served_as_it_is_now(api, world):
    assert api("tcounty1-staff", "tcounty1").get("/api/v1/me/").json()["union"]["name"] == "测试一区总工会"
    union = world.union("tcounty1")
    union.name = "改名区总工会"
    union.save()
    assert api("tcounty1-staff", "tcounty1").get("/api/v1/me/").json()["union"]["name"] == "改名区总工会"
    union.name = "测试一区总工会"
    union.save()


def test_removed_domain_is_a_404_and_the_cache_never_crosses_unions(api, world):
    """A host that no longer names a union is refused; a cached host never lets another union's member in."""
    assert api("tcounty1-staff", "tcounty1").get("/api/v1/me/").status_code == 200
    assert api("tcounty1-staff", "tcounty2").get("/api/v1/me/").status_code == 403  # cached tcounty2 now
    assert api("tcounty1-colleague", "tcounty1").get("/api/v1/me/").status_code == 200
    Domain.objects.filter(domain="tcounty2.localhost").get().delete()
    assert api("tcounty2-staff", "tcounty2").get("/api/v1/me/").status_code == 404
    assert api("tcounty1-staff", "forged").get("/api/v1/me/").status_code == 404


def test_with_redis_down_requests_are_served_and_unions_saved(api, world):
    """The host cache is a shortcut: with Redis unreachable the union is read from the database, and
    changing a union still saves."""
    import socket

    from django.test import override_settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
        }
    }
    with override_settings(CACHES=caches):
        assert api("tcounty1-staff", "tcounty1").get("/api/v1/me/").json()["union"]["code"] == "tcounty1"
        assert api("tcounty1-staff", "tcounty2").get("/api/v1/me/").status_code == 403
        union = world.union("tcounty2")
        union.name = "停机时改名"
        union.save()
        assert api("tcounty2-staff", "tcounty2").get("/api/v1/me/").json()["union"]["name"] == "停机时改名"
