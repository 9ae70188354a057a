"""Errors get a page in the user's language, never Django's bare default."""

from django.test import Client

from tests.conftest import host


def test_unknown_page_on_a_union_host_is_a_chinese_404(world):
    response = Client().get("/no-such-page/", HTTP_HOST=host("tcounty1"))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_expired_form_is_a_chinese_403(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"}, HTTP_HOST=host("tcounty1"))
    assert response.status_code == 403
    assert "表单已失效" in response.content.decode()
