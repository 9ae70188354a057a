"""Issue 12, item 1: the notices page, the unread mark in the top bar, and a notice opening what it is about."""

import pytest

from oversight.rollup.models import Notice, NoticeKind
from tests.conftest import host


@pytest.fixture
def notices(world):
    staff, union = world.user("tcounty1-staff"), world.union("tcounty1")
    overdue = Notice.objects.create(
        user=staff, union=union, kind=NoticeKind.OVERDUE, key="overdue:1", title="交办问题已逾期", url="/cases/"
    )
    pace = Notice.objects.create(
        user=staff, union=union, kind=NoticeKind.PACE, key="pace:1", title="第三季度进度落后", url="/events/"
    )
    outside = Notice.objects.create(
        user=staff, union=union, kind=NoticeKind.PACE, key="pace:2", title="外链", url="https://evil.example/"
    )
    other_union = Notice.objects.create(
        user=staff, union=world.union("tcounty2"), kind=NoticeKind.PACE, key="pace:3", title="另一工会的通知"
    )
    return {"overdue": overdue, "pace": pace, "outside": outside, "other_union": other_union}


def test_top_bar_marks_unread_notices_and_the_page_lists_them(page, notices):
    client = page("tcounty1-staff", "tcounty1")
    home = client.get("/").content.decode()
    assert 'href="/notices/" data-unread="3"' in home and "3 条未读通知" in home
    content = client.get("/notices/").content.decode()
    assert "交办问题已逾期" in content and "第三季度进度落后" in content
    assert "另一工会的通知" not in content  # a notice about another union shows on that union's host only
    assert f'href="/notices/{notices["overdue"].pk}/open/"' in content


def test_opening_a_notice_marks_it_read_and_goes_to_what_it_is_about(page, notices):
    client = page("tcounty1-staff", "tcounty1")
    response = client.get(f"/notices/{notices['overdue'].pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/cases/"
    notices["overdue"].refresh_from_db()
    assert notices["overdue"].read_at is not None
    assert 'data-unread="2"' in client.get("/").content.decode()
    # A link that leads off this host is never followed.
    response = client.get(f"/notices/{notices['outside'].pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/notices/"


@pytest.mark.parametrize(
    "username, own_code, status",
    [
        ("tcounty1-colleague", "tcounty1", 404),  # a colleague: someone else's notice does not exist for them
        ("tcounty2-admin", "tcounty2", 403),  # another union's admin, Host header forged to tcounty1
        ("ocity-admin", "ocity", 403),  # another city's admin, Host header forged
    ],
)
def test_others_cannot_open_or_see_a_members_notice(page, notices, username, own_code, status):
    client = page(username, own_code)
    response = client.get(f"/notices/{notices['pace'].pk}/open/", HTTP_HOST=host("tcounty1"))
    assert response.status_code == status
    listing = client.get("/notices/", HTTP_HOST=host("tcounty1"))
    assert "第三季度进度落后" not in listing.content.decode()
    notices["pace"].refresh_from_db()
    assert notices["pace"].read_at is None


def test_anonymous_visitors_are_sent_to_sign_in(page, notices):
    response = page(None, "tcounty1").get("/notices/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
