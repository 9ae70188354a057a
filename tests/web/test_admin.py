"""The Django admin stays on the public host, for superusers only."""

from django.test import Client

from shared.accounts.models import User
from tests.conftest import host


def test_admin_is_for_superusers_only(world):
    staff_not_super = User.objects.create_user(username="admin-staff", password="x-pass-123", is_staff=True)
    superuser = User.objects.create_superuser(username="root-e", password="x-pass-123", email="root@example.com")

    client = Client(HTTP_HOST="localhost")
    client.force_login(staff_not_super)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


def test_admin_is_not_served_on_a_union_host(world):
    superuser = User.objects.create_superuser(username="root-u", password="x-pass-123", email="root2@example.com")
    client = Client(HTTP_HOST=host("tcounty1"))
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 404
