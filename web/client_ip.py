"""The client's address, believing X-Forwarded-For only from the proxies named in settings.TRUSTED_PROXIES.

Behind nginx every request comes from nginx's address; nginx appends the address it saw to
X-Forwarded-For. Walking that list from the right, past our own trusted proxies, gives the first address
no trusted proxy vouches for: the client. A header sent by anyone else (a client talking to gunicorn
directly, or a forged first entry) changes nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The client's address, or None when the request carries none (an internal request)."""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    if not _trusted(peer, networks):
        return str(peer)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:  # garbage from behind the last trusted proxy: stop at what the proxy saw
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
