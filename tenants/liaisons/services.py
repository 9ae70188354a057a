"""Writes for department liaisons: the contacts, their links (signed, expiring, revocable), the messages
sent to them (once per condition), and a liaison's reply, which moves the case through the very services
staff use (tenants.cases.services), with the liaison named in the case's history."""

from __future__ import annotations

import datetime
import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shared.accounts.invitations import union_origin
from shared.catalogues.models import Department
from shared.core.exceptions import ApplicationError
from shared.unions.models import Union
from tenants.attachments.services import attachment_add
from tenants.cases import services as case_services
from tenants.cases.models import Case, CaseStatus

from .models import Liaison, LiaisonLink, LiaisonMessage, MessageKind
from .notifiers import notify

logger = logging.getLogger(__name__)

LINK_SALT = "tenants.liaisons.link"
LINK_PATH = "/d/{token}/"
ANSWERABLE_STATUSES = (CaseStatus.REFERRED, CaseStatus.IN_PROGRESS)
REPLY_ACTIONS = ("progress", "resolve")


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _checked(*, department, name, phone, email) -> tuple[Department | None, dict]:
    errors: dict[str, list] = {}
    if department is not None and not isinstance(department, Department):
        department = Department.objects.filter(pk=department).first()
        if department is None:
            errors["department"] = [_("Unknown department.")]
    elif department is None:
        errors["department"] = [_("Choose the department.")]
    if not name:
        errors["name"] = [_("A name is required.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address.")]
    if not phone and not email:
        errors["phone"] = [_("Give a phone number or an email address, so the liaison can be told.")]
    return department, errors


@transaction.atomic
def liaison_create(*, department, name: str, phone: str = "", email: str = "") -> Liaison:
    name, phone, email = _text(name), _text(phone), _text(email)
    department, errors = _checked(department=department, name=name, phone=phone, email=email)
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    return Liaison.objects.create(department=department, name=name, phone=phone, email=email)


@transaction.atomic
def liaison_update(
    *, liaison: Liaison, department=None, name: str, phone: str = "", email: str = "", active: bool = True
) -> Liaison:
    name, phone, email = _text(name), _text(phone), _text(email)
    department, errors = _checked(
        department=department if department is not None else liaison.department, name=name, phone=phone, email=email
    )
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    moved = department.pk != liaison.department_id
    liaison.department, liaison.name, liaison.phone, liaison.email = department, name, phone, email
    liaison.active = bool(active)
    liaison.save()
    if moved or not liaison.active:
        # A link shows one department's cases: a liaison who moved (or left) must not keep the old one.
        liaison_links_revoke(liaison=liaison)
    return liaison


@transaction.atomic
def liaison_delete(*, liaison: Liaison) -> None:
    """Remove the contact and its links; the case histories keep the name of what the liaison did."""
    liaison.delete()


def liaison_links_revoke(*, liaison: Liaison) -> int:
    return LiaisonLink.objects.filter(liaison=liaison, revoked_at__isnull=True).update(revoked_at=timezone.now())


def link_revoke(*, link: LiaisonLink) -> LiaisonLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def link_token(*, link: LiaisonLink) -> str:
    """The URL's token: signed with SECRET_KEY and naming this union's schema, so a link of one union never
    opens anything at another union's host, and a changed character is refused before the database is read."""
    return signing.dumps({"s": connection.schema_name, "l": link.pk, "n": link.nonce}, salt=LINK_SALT)


def link_current(*, liaison: Liaison) -> LiaisonLink:
    """The liaison's live link (not revoked, more than a day before it expires), or a new one."""
    now = timezone.now()
    link = (
        LiaisonLink.objects.filter(
            liaison=liaison, revoked_at__isnull=True, expires_at__gt=now + datetime.timedelta(days=1)
        )
        .order_by("-expires_at")
        .first()
    )
    if link is None:
        link = LiaisonLink.objects.create(
            liaison=liaison,
            nonce=secrets.token_urlsafe(12),
            expires_at=now + datetime.timedelta(days=settings.LIAISON_LINK_DAYS),
        )
    return link


def link_url(*, link: LiaisonLink, origin: str | None = None) -> str:
    if origin is None:
        union = Union.objects.get(schema_name=connection.schema_name)
        origin = union_origin(union=union)
    return origin + LINK_PATH.format(token=link_token(link=link))


def link_open(*, token: str) -> tuple[LiaisonLink | None, str]:
    """The link a token names in the current union, and "" — or None and why not: "invalid" (forged, altered,
    of another union or removed), "revoked" or "expired"."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None, "invalid"
    if not isinstance(data, dict) or data.get("s") != connection.schema_name:
        return None, "invalid"
    link = (
        LiaisonLink.objects.select_related("liaison", "liaison__department")
        .filter(pk=data.get("l"), nonce=data.get("n"))
        .first()
    )
    if link is None:
        return None, "invalid"
    if link.revoked_at is not None or not link.liaison.active:
        return None, "revoked"
    if link.expires_at <= timezone.now():
        return None, "expired"
    LiaisonLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link, ""


def _message_once(*, liaison: Liaison, case: Case, kind: str, key: str, subject: str, body: str) -> bool:
    """Record the message, then send it; False (and nothing sent) when this liaison already had it."""
    try:
        with transaction.atomic():
            LiaisonMessage.objects.create(liaison=liaison, case=case, kind=kind, key=key)
    except IntegrityError:
        return False
    notify(liaison=liaison, subject=subject, body=body)
    return True


def _union() -> Union:
    return Union.objects.get(schema_name=connection.schema_name)


def liaison_referral_notify(*, case_id: int, transition_id: int) -> int:
    """Tell every active liaison of the department a case was referred to (the Celery task's work). Once per
    referral: a retried or repeated task sends nothing new. Returns the number of liaisons told."""
    case = Case.objects.select_related("department").filter(pk=case_id).first()
    if case is None or case.status != CaseStatus.REFERRED or case.department is None:
        return 0  # answered or moved on before the message went out
    union = _union()
    origin = union_origin(union=union)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for liaison in Liaison.objects.filter(department=case.department, active=True):
            subject = _("%(union)s referred a case to %(department)s: %(title)s") % {
                "union": union.name,
                "department": case.department.name,
                "title": case.title,
            }
            body = _(
                "%(union)s has referred the case “%(title)s” to %(department)s. Deadline: %(deadline)s.\n"
                "See it and reply (no account needed): %(url)s"
            ) % {
                "union": union.name,
                "title": case.title,
                "department": case.department.name,
                "deadline": case.deadline.isoformat() if case.deadline else "—",
                "url": link_url(link=link_current(liaison=liaison), origin=origin),
            }
            if _message_once(
                liaison=liaison,
                case=case,
                kind=MessageKind.REFERRAL,
                key=f"referral:{transition_id}",
                subject=subject,
                body=body,
            ):
                sent += 1
    return sent


def liaison_reminders_send(*, today: datetime.date | None = None, days_before: int | None = None) -> int:
    """In the current union: remind each active liaison of a referred case whose deadline is within
    `days_before` days (LIAISON_REMINDER_DAYS_BEFORE) and not yet passed. Once per case and deadline (a new
    deadline is reminded again). Returns the number of reminders sent."""
    today = today or timezone.localdate()
    days_before = settings.LIAISON_REMINDER_DAYS_BEFORE if days_before is None else days_before
    due = (
        Case.objects.filter(
            status__in=ANSWERABLE_STATUSES,
            department__isnull=False,
            deadline__gte=today,
            deadline__lte=today + datetime.timedelta(days=days_before),
        )
        .select_related("department")
        .order_by("deadline", "pk")
    )
    cases = list(due)
    if not cases:
        return 0
    union = _union()
    origin = union_origin(union=union)
    liaisons: dict[int, list[Liaison]] = {}
    for liaison in Liaison.objects.filter(department_id__in={c.department_id for c in cases}, active=True):
        liaisons.setdefault(liaison.department_id, []).append(liaison)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for case in cases:
            for liaison in liaisons.get(case.department_id, []):
                subject = _("Reminder: the case “%(title)s” is due on %(deadline)s") % {
                    "title": case.title,
                    "deadline": case.deadline.isoformat(),
                }
                body = _(
                    "The case “%(title)s” that %(union)s referred to %(department)s is due on %(deadline)s.\n"
                    "Reply here: %(url)s"
                ) % {
                    "title": case.title,
                    "union": union.name,
                    "department": case.department.name,
                    "deadline": case.deadline.isoformat(),
                    "url": link_url(link=link_current(liaison=liaison), origin=origin),
                }
                if _message_once(
                    liaison=liaison,
                    case=case,
                    kind=MessageKind.REMINDER,
                    key=f"reminder:{case.pk}:{case.deadline.isoformat()}",
                    subject=subject,
                    body=body,
                ):
                    sent += 1
    return sent


@transaction.atomic
def liaison_reply(*, link: LiaisonLink, case_id, action: str, text: str, upload=None) -> Case:
    """A liaison's answer to a case referred to their department: progress (in progress) or the outcome
    (resolved), through the cases' own services, so the rules and the history are the staff's. A file sent
    with it is stored on the case through the attachment service; a refused file refuses the whole reply
    (one transaction), and it is checked before anything is written to storage."""
    case = Case.objects.filter(
        pk=case_id, department_id=link.liaison.department_id, status__in=ANSWERABLE_STATUSES
    ).first()
    if case is None:
        raise ApplicationError(_("This case is not open for your department."), code="not_found", status=404)
    if action == "progress":
        case = case_services.case_mark_progress(case=case, actor=link.liaison, note=text)
    elif action == "resolve":
        case = case_services.case_resolve(case=case, actor=link.liaison, outcome=text)
    else:
        raise ApplicationError(_("Some fields are not valid."), fields={"action": [_("Choose progress or resolved.")]})
    if upload is not None:
        # A liaison has no user account: the file is the liaison's by its description.
        attachment_add(actor=None, upload=upload, case=case, description=link.liaison.history_name[:200])
    return case
