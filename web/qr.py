"""QR intake: unguessable signed tokens naming an event of a union, QR images, and a per-client rate limit."""

from __future__ import annotations

import hashlib

import segno
from django.core import signing
from django.core.cache import cache

SALT = "web.intake.v1"
RATE_LIMIT = 5  # submissions per client and event ...
RATE_WINDOW = 600  # ... per fixed window of this many seconds
MAX_BODY_BYTES = 16 * 1024


def intake_token(*, union, event) -> str:
    """The same token every time for one event (a printed poster stays valid); signed with SECRET_KEY, so it
    cannot be guessed from the event id nor moved to another union."""
    return signing.Signer(salt=SALT).sign_object({"u": union.code, "e": event.pk}, compress=False)


def intake_event_id(*, union, token: str) -> int | None:
    """The event id a token names, when it is genuine and was made for this union; else None."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("u") != union.code or not isinstance(payload.get("e"), int):
        return None
    return payload["e"]


def qr_svg(url: str, *, scale: int = 5) -> str:
    """An inline <svg> of the QR code (no XML declaration), drawn by segno."""
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#1f2328", light="#ffffff")


def client_ip(request) -> str:
    # REMOTE_ADDR only: a client can forge X-Forwarded-For. Behind a proxy, the proxy sets REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def take_submission_slot(request, *, union, event_id: int) -> bool:
    """Count one submission of this client for this event; False when the window's allowance is used up."""
    raw = f"{client_ip(request)}|{union.schema_name}|{event_id}"
    key = "web:intake:" + hashlib.sha256(raw.encode()).hexdigest()
    cache.add(key, 0, timeout=RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW)
        count = 1
    return count <= RATE_LIMIT
