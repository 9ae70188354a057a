"""Issue 12, item 4: a dispute's agreed amount and mediation outcome on the case's page; correcting a saved
case from its page, recorded in the history."""

import pytest

from tests.conftest import host


@pytest.fixture
def dispute(make_case):
    return make_case(
        "tcounty1",
        kind="dispute",
        title="欠薪争议",
        dispute={"applicants": ["张三"], "respondent_name": "某厂", "claimed_amount": "5000"},
    )


def test_the_page_shows_and_corrects_the_dispute_outcome(page, dispute):
    client = page("tcounty1-staff", "tcounty1")
    content = client.get(f"/cases/{dispute.pk}/").content.decode()
    assert "调解金额" in content and "尚未达成" in content and "调解结果" in content
    assert f'href="/cases/{dispute.pk}/correct/"' in content
    form = client.get(f"/cases/{dispute.pk}/correct/").content.decode()
    assert f'value="{dispute.raised_on.isoformat()}"' in form  # the date input keeps the saved day
    assert 'name="agreed_amount"' in form and 'name="mediation_outcome"' in form and 'value="欠薪争议"' in form
    response = client.post(
        f"/cases/{dispute.pk}/correct/",
        {"title": "欠薪争议", "raised_on": dispute.raised_on.isoformat(), "applicants": "张三",
         "respondent_name": "某厂", "claimed_amount": "5000", "agreed_amount": "4200",
         "mediation_outcome": "分两期支付", "reason": "调解达成"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    content = client.get(f"/cases/{dispute.pk}/").content.decode()
    assert "4200.00" in content and "分两期支付" in content and "更正：调解达成" in content


def test_a_refused_correction_keeps_what_was_typed(page, dispute):
    client = page("tcounty1-staff", "tcounty1")
    response = client.post(
        f"/cases/{dispute.pk}/correct/",
        {
            "title": "改过的标题",
            "applicants": "张三",
            "respondent_name": "某厂",
            "claimed_amount": "5000",
            "reason": "",
        },
    )
    content = response.content.decode()
    assert response.status_code == 400 and "请说明更正理由。" in content and 'value="改过的标题"' in content
    response = client.post(
        f"/cases/{dispute.pk}/correct/",
        {"title": "欠薪争议", "applicants": "", "respondent_name": "某厂", "claimed_amount": "5000", "reason": "x"},
    )
    assert response.status_code == 400 and "至少" in response.content.decode()


@pytest.mark.parametrize(
    "username, own_code, status",
    [
        ("tcounty1-viewer", "tcounty1", 403),  # a colleague who only reads
        ("tcounty2-admin", "tcounty2", 403),  # another union's admin, Host forged
        ("ocity-admin", "ocity", 403),  # another city's admin, Host forged
    ],
)
def test_others_cannot_correct(page, dispute, username, own_code, status):
    client = page(username, own_code)
    assert client.get(f"/cases/{dispute.pk}/correct/", HTTP_HOST=host("tcounty1")).status_code == status
    response = client.post(
        f"/cases/{dispute.pk}/correct/", {"title": "篡改", "reason": "x"}, HTTP_HOST=host("tcounty1")
    )
    assert response.status_code == status
    content = page("tcounty1-staff", "tcounty1").get(f"/cases/{dispute.pk}/").content.decode()
    assert "篡改" not in content
