"""Tokens and /api/v1/me/: only members of the union whose host is called get in."""

import pytest

from tests.conftest import host
from tests.factories import PASSWORD


def token_request(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


@pytest.mark.parametrize("role", ["admin", "staff", "viewer"])
def test_member_gets_token_and_me(api, role):
    response = token_request(api(None, "tcounty1"), f"tcounty1-{role}")
    assert response.status_code == 200
    token = response.json()["token"]

    client = api(None, "tcounty1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {
        "user": {
            "id": me.json()["user"]["id"],
            "username": f"tcounty1-{role}",
            "full_name": f"tcounty1 {role}",
            "email": f"tcounty1-{role}@example.com",
        },
        "union": {"code": "tcounty1", "name": "测试一区总工会", "level": "county"},
        "role": role,
    }


def test_city_member_sees_city_level(api):
    me = api("tcity-admin", "tcity").get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["union"]["level"] == "city"
    assert me.json()["role"] == "admin"


def test_colleague_of_same_union_gets_in(api):
    assert api("tcounty1-colleague", "tcounty1").get("/api/v1/me/").json()["role"] == "staff"


def test_wrong_password_is_400_with_error_shape(api):
    response = token_request(api(None, "tcounty1"), "tcounty1-staff", "nope")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_missing_fields_are_400_naming_the_fields(api):
    response = api(None, "tcounty1").post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"username", "password"}


@pytest.mark.parametrize(
    "username, code",
    [
        ("tcounty2-staff", "tcounty1"),  # a sister county of the same city
        ("ocounty-admin", "tcounty1"),  # a county of another city
        ("ocity-admin", "tcounty1"),  # another city's admin
        ("tcounty1-admin", "tcounty2"),  # a county admin at its sister's host
        ("tcounty1-admin", "tcity"),  # a county admin at its own city's host
        ("tcity-admin", "ocity"),  # a city admin at another city's host
        ("tcity-admin", "ocounty"),  # a city admin at another city's county
        ("stranger", "tcounty1"),  # an account with no membership at all
    ],
)
def test_non_member_is_refused_token_and_me(api, username, code):
    assert token_request(api(None, code), username).status_code == 403
    response = api(username, code).get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_me_is_refused(api):
    assert api(None, "tcounty1").get("/api/v1/me/").status_code in (401, 403)


def test_forged_host_header_does_not_reach_another_union(api, world):
    """A token of tcounty1 sent with the Host header of another union is refused, and an unknown host
    never falls back to any union."""
    client = api("tcounty1-admin", "tcounty1")
    assert client.get("/api/v1/me/", HTTP_HOST=host("ocounty")).status_code == 403
    assert client.get("/api/v1/me/", HTTP_HOST=host("tcounty2")).status_code == 403
    assert client.get("/api/v1/me/", HTTP_HOST="evil.localhost").status_code == 404
    assert client.get("/api/v1/me/", HTTP_HOST="tcounty1.localhost.evil.com").status_code in (400, 404)
    # The public (base) domain serves no union API at all.
    assert client.get("/api/v1/me/", HTTP_HOST="localhost").status_code == 404
    # Forging the host of another union on the token endpoint gives no token either.
    assert token_request(api(None, "tcounty1"), "tcounty1-admin").status_code == 200
    assert (
        api(None, "tcounty1")
        .post(
            "/api/v1/auth/token/",
            {"username": "tcounty1-admin", "password": PASSWORD},
            format="json",
            HTTP_HOST=host("ocity"),
        )
        .status_code
        == 403
    )


def test_session_login_is_per_union(client, world):
    """A session made by logging in on one union's host does not open another union's API."""
    client.force_login(world.user("tcounty1-staff"))
    assert client.get("/api/v1/me/", HTTP_HOST=host("tcounty1")).status_code == 200
    assert client.get("/api/v1/me/", HTTP_HOST=host("tcounty2")).status_code == 403


def test_openapi_schema_and_docs_are_served_offline(api):
    client = api(None, "tcounty1")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "https://" not in html.split("<body")[0]
