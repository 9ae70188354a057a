"""QR intake: unguessable signed tokens naming an event of a union, QR images, and the submission limits
(per device, through a signed cookie, and per client address as seen through the trusted proxies)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import uuid

import segno
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from web.client_ip import client_ip

logger = logging.getLogger(__name__)
SALT = "web.intake.v1"
RATE_WINDOW = 600  # accepted submissions count per device / address and event in fixed windows of 10 minutes
DEVICE_COOKIE = "gq_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
MAX_BODY_BYTES = 16 * 1024


SHORT_MAC_LENGTH = 10  # base32 characters: 50 bits, far beyond guessing under the submission limits


def _short_mac(*, union_code: str, event_id: int) -> str:
    digest = salted_hmac(SALT, f"{union_code}:{event_id}").digest()
    return base64.b32encode(digest).decode()[:SHORT_MAC_LENGTH].lower()


def intake_token(*, union, event) -> str:
    """A short token, the same every time for one event (a printed poster stays valid): the event id and a
    MAC keyed with SECRET_KEY and the union, so it cannot be guessed from the id nor moved to another union.
    Short enough to read off a poster and type into a phone (``/q/12-abcdefghij/``)."""
    return f"{event.pk}-{_short_mac(union_code=union.code, event_id=event.pk)}"


def intake_event_id(*, union, token: str) -> int | None:
    """The event id a token names, when it is genuine and was made for this union; else None. Tokens of the
    first, longer form (a signed object) printed on earlier posters are still honoured."""
    event_part, _dash, mac = token.partition("-")
    if event_part.isdigit() and mac:
        event_id = int(event_part)
        expected = _short_mac(union_code=union.code, event_id=event_id)
        return event_id if hmac.compare_digest(mac.lower(), expected) else None
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


def device_id(request) -> str | None:
    """The id in this phone's signed intake cookie, or None when it has none (or a forged one)."""
    return request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=SALT)


def ensure_device_cookie(request, response) -> None:
    """Give a phone a device id on its first visit; the limits count per device and event."""
    if device_id(request) is None:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            uuid.uuid4().hex,
            salt=SALT,
            max_age=DEVICE_COOKIE_AGE,
            path="/q/",
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def _keys(request, *, device: str, union, event_id: int) -> tuple[str, str]:
    scope = f"{union.schema_name}|{event_id}"
    return tuple(
        "web:intake:" + hashlib.sha256(f"{kind}|{who}|{scope}".encode()).hexdigest()
        for kind, who in (("device", device), ("address", client_ip(request) or "unknown"))
    )


def submission_refusal(request, *, device: str, union, event_id: int) -> str | None:
    """Which allowance is used up for this device and event ("device" or "address"), or None."""
    device_key, address_key = _keys(request, device=device, union=union, event_id=event_id)
    try:
        counts = cache.get_many([device_key, address_key])
    except Exception:  # Redis down: a worker's problem is worth more than the limit; take it
        logger.warning("QR intake limits unavailable (cache down); submission not limited", exc_info=True)
        return None
    if counts.get(device_key, 0) >= settings.INTAKE_DEVICE_LIMIT:
        return "device"
    if counts.get(address_key, 0) >= settings.INTAKE_ADDRESS_LIMIT:
        return "address"
    return None


def submission_count(request, *, device: str, union, event_id: int) -> None:
    """Count one accepted submission against the device's and the address's allowance (fixed windows)."""
    try:
        for key in _keys(request, device=device, union=union, event_id=event_id):
            cache.add(key, 0, timeout=RATE_WINDOW)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=RATE_WINDOW)
    except Exception:  # Redis down: the submission is saved already; it just goes uncounted
        logger.warning("QR intake submission not counted (cache down)", exc_info=True)
