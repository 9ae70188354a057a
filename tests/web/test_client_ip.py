"""The client's address: X-Forwarded-For counts only from TRUSTED_PROXIES, walked from the right."""

import pytest
from django.test import RequestFactory

from web.client_ip import client_ip


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture(autouse=True)
def proxies(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.5", None, "203.0.113.5"),  # no proxy
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # an untrusted peer's header is ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),  # nginx on this host
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged first hop is skipped
        ("127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"),  # load balancer -> nginx -> app
        ("127.0.0.1", "10.1.2.3", "10.1.2.3"),  # only trusted hops: the farthest one
        ("127.0.0.1", "not-an-address, 198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1, garbage", "127.0.0.1"),  # garbage behind the proxy: stop at the proxy
        ("127.0.0.1", "", "127.0.0.1"),
        ("::1", "2001:db8::7", "2001:db8::7"),
        ("garbage", "198.51.100.1", None),
    ],
)
def test_client_address(remote, forwarded, client):
    assert client_ip(request(remote, forwarded)) == client


def test_no_trusted_proxies_means_the_peer(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("127.0.0.1", "198.51.100.1")) == "127.0.0.1"
