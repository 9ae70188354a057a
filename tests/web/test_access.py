"""Sign-in on a union's own host, and who may open which page (role, union, forged Host)."""

import pytest

from tests.conftest import host
from tests.factories import PASSWORD


def login(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_login_page_renders_in_chinese_by_default(page):
    response = page(None, "tcounty1").get("/login/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "登录" in content
    assert "测试一区总工会" in content


def test_member_signs_in_and_lands_on_home(page):
    client = page(None, "tcounty1")
    response = login(client, "tcounty1-staff")
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "tcounty1 staff" in home.content.decode()


def test_wrong_password_is_a_clear_message_not_an_error(page):
    response = login(page(None, "tcounty1"), "tcounty1-staff", "nope")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


@pytest.mark.parametrize("username", ["tcounty2-staff", "tcity-admin", "ocounty-admin", "stranger"])
def test_user_without_membership_of_this_union_is_refused_at_login(page, username):
    client = page(None, "tcounty1")
    response = login(client, username)
    assert response.status_code == 200
    assert "不是测试一区总工会的成员" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_anonymous_is_sent_to_login(page):
    response = page(None, "tcounty1").get("/events/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/events/")


def test_session_of_one_union_counts_for_nothing_on_another_host(page):
    """The same signed-in session with a forged Host header: the membership is checked on every request."""
    client = page("tcounty1-staff", "tcounty1")
    assert client.get("/").status_code == 200
    for code in ("tcounty2", "tcity", "ocounty"):
        response = client.get("/", HTTP_HOST=host(code))
        assert response.status_code == 403
        assert "不是" in response.content.decode()
        assert client.get("/events/", HTTP_HOST=host(code)).status_code == 403


def test_unknown_host_is_404(page):
    client = page("tcounty1-staff", "tcounty1")
    assert client.get("/", HTTP_HOST="nosuchunion.localhost").status_code == 404


def test_pages_are_not_served_on_the_public_host(world):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(world.user("tcounty1-staff"))
    assert client.get("/events/").status_code == 404
    assert client.get("/login/").status_code == 404


def test_viewer_sees_no_write_buttons_and_cannot_post(page):
    viewer = page("tcounty1-viewer", "tcounty1")
    content = viewer.get("/events/").content.decode()
    assert "新建活动" not in content
    assert viewer.get("/events/new/").status_code == 403
    response = viewer.post("/events/new/", {"title": "x"})
    assert response.status_code == 403
    assert "只能查看" in response.content.decode()
    staff = page("tcounty1-staff", "tcounty1")
    assert "新建活动" in staff.get("/events/").content.decode()


def test_logout_needs_post_and_ends_the_session(page):
    client = page("tcounty1-staff", "tcounty1")
    response = client.post("/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_language_switch_to_english_and_back(page):
    client = page("tcounty1-staff", "tcounty1")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/events/"})
    assert response.status_code == 302
    content = client.get("/events/").content.decode()
    assert "Events" in content and "New event" in content
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/events/"})
    assert "新建活动" in client.get("/events/").content.decode()


def test_static_assets_are_served_by_the_app(page):
    client = page(None, "tcounty1")
    for path in ("/static/web/app.css", "/static/web/app.js", "/static/web/vendor/htmx.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 500


def test_navigation_marks_the_current_page_and_differs_by_level(page):
    county = page("tcounty1-staff", "tcounty1")
    calendar = county.get("/events/calendar/").content.decode()
    assert 'href="/events/calendar/" class="active"' in calendar
    assert 'href="/events/" class="active"' not in calendar
    assert 'href="/events/" class="active"' in county.get("/events/new/").content.decode()
    assert "/city/" not in county.get("/").content.decode()
    assert 'href="/city/"' in page("tcity-staff", "tcity").get("/").content.decode()
