"""The bare base domain lists the unions and links to their own hosts; it serves no union data."""


def test_public_index_links_every_union_to_its_host(client, world):
    response = client.get("/", HTTP_HOST="localhost")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择您所在的工会" in html
    assert 'href="http://tcounty1.localhost/"' in html
    assert "测试一区总工会" in html and "他市总工会" in html


def test_public_index_is_not_served_on_an_unknown_host(client, world):
    assert client.get("/", HTTP_HOST="nosuchunion.localhost").status_code == 404
