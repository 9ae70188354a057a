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


def ensure_device_cookie(request, response, *, path: str = "/q/") -> None:
    """Give a phone a device id on its first visit to the pages under `path` (the QR intake, the receipt
    page); the limits count per device."""
    if device_id(request) is None:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            uuid.uuid4().hex,
            salt=SALT,
            max_age=DEVICE_COOKIE_AGE,
            path=path,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )


def _limit_keys(request, *, prefix: str, device: str, scope: str) -> tuple[str, str]:
    return tuple(
        prefix + hashlib.sha256(f"{kind}|{who}|{scope}".encode()).hexdigest()
        for kind, who in (("device", device), ("address", client_ip(request) or "unknown"))
    )


def limit_refusal(
    request,
    *,
    prefix: str,
    device: str,
    scope: str,
    device_limit: int,
    address_limit: int,
    fail_closed: bool = False,
) -> str | None:
    """Which allowance is used up in the current window ("device" or "address"), or None. With the cache
    down: "unavailable" when the limits fail closed, else nothing is refused (logged)."""
    device_key, address_key = _limit_keys(request, prefix=prefix, device=device, scope=scope)
    try:
        counts = cache.get_many([device_key, address_key])
    except Exception:
        logger.warning("Limits of %s unavailable (cache down)", prefix, exc_info=True)
        return "unavailable" if fail_closed else None
    if counts.get(device_key, 0) >= device_limit:
        return "device"
    if counts.get(address_key, 0) >= address_limit:
        return "address"
    return None


def limit_count(request, *, prefix: str, device: str, scope: str) -> None:
    """Count one use against the device's and the address's allowance (fixed windows of RATE_WINDOW)."""
    try:
        for key in _limit_keys(request, prefix=prefix, device=device, scope=scope):
            cache.add(key, 0, timeout=RATE_WINDOW)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=RATE_WINDOW)
    except Exception:  # Redis down: what was done stands; it just goes uncounted
        logger.warning("Use of %s not counted (cache down)", prefix, exc_info=True)


INTAKE_PREFIX = "web:intake:"


def submission_refusal(request, *, device: str, union, event_id: int) -> str | None:
    """Which allowance is used up for this device and event ("device" or "address"), "unavailable" when the
    limits cannot be read, or None.

    The limits fail closed: the page is public, and without Redis nothing would stop one phone from
    flooding a union's cases. The worker keeps what they typed and is asked to send it again shortly."""
    return limit_refusal(
        request,
        prefix=INTAKE_PREFIX,
        device=device,
        scope=f"{union.schema_name}|{event_id}",
        device_limit=settings.INTAKE_DEVICE_LIMIT,
        address_limit=settings.INTAKE_ADDRESS_LIMIT,
        fail_closed=True,
    )


def submission_count(request, *, device: str, union, event_id: int) -> None:
    """Count one accepted submission against the device's and the address's allowance (fixed windows)."""
    limit_count(request, prefix=INTAKE_PREFIX, device=device, scope=f"{union.schema_name}|{event_id}")
