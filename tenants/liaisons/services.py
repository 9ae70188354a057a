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
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shared.accounts.invitations import union_origin
from shared.catalogues.models import Department
from shared.core.exceptions import ApplicationError
from shared.core.mail import TRANSIENT_SEND_ERRORS
from shared.unions.models import Union
from tenants.attachments.services import attachment_add
from tenants.cases import services as case_services
from tenants.cases.models import Case, CaseStatus

from .models import Liaison, LiaisonLink, LiaisonMessage, MessageKind
from .notifiers import notifiers

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


# A send that failed for one of these reasons (the mail server down or refusing for now, the network) is
# retried by the task liaisons.deliver_message; any other failure is logged and not retried.
def _message_record(*, liaison: Liaison, case: Case, kind: str, key: str) -> LiaisonMessage | None:
    """The message for this condition, made if new; None when this liaison already received it."""
    message, _created = LiaisonMessage.objects.get_or_create(
        liaison=liaison, key=key, defaults={"case": case, "kind": kind}
    )
    return None if message.delivered_at is not None else message


def _compose(*, message: LiaisonMessage, union: Union, origin: str) -> tuple[str, str]:
    """The subject and body of a message, in the site's language, from the case as it is now."""
    case, liaison = message.case, message.liaison
    url = link_url(link=link_current(liaison=liaison), origin=origin)
    with translation.override(settings.LANGUAGE_CODE):
        if message.kind == MessageKind.REMINDER:
            deadline = case.deadline.isoformat() if case.deadline else "—"
            subject = _("Reminder: the case “%(title)s” is due on %(deadline)s") % {
                "title": case.title,
                "deadline": deadline,
            }
            body = _(
                "The case “%(title)s” that %(union)s referred to %(department)s is due on %(deadline)s.\n"
                "Reply here: %(url)s"
            ) % {
                "title": case.title,
                "union": union.name,
                "department": case.department.name,
                "deadline": deadline,
                "url": url,
            }
            return subject, body
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
            "url": url,
        }
        return subject, body


def liaison_message_deliver(*, message_id: int, union: Union | None = None, origin: str | None = None) -> bool:
    """Send a recorded message through the channels that have not delivered it yet, and mark it delivered
    when one did. The row is locked while sending, so two runs never both send it; a delivered message is
    never sent again. True when it went out now. A passing failure (TRANSIENT_SEND_ERRORS) is raised after
    what did go out is recorded, so the caller (or the task's retry) tries the rest again later."""
    failure: Exception | None = None
    with transaction.atomic():
        message = (
            LiaisonMessage.objects.select_for_update(of=("self",))
            .select_related("liaison", "liaison__department", "case", "case__department")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.delivered_at is not None or not message.liaison.active:
            return False
        if message.case.department_id is None or message.case.status not in ANSWERABLE_STATUSES:
            return False  # answered or moved on before the message could go out: nothing to tell
        union = union or _union()
        subject, body = _compose(message=message, union=union, origin=origin or union_origin(union=union))
        done = [name for name in message.channels.split(",") if name]
        for notifier in notifiers():
            name = type(notifier).__name__
            if name in done:
                continue
            try:
                if notifier.send(liaison=message.liaison, subject=subject, body=body):
                    done.append(name)
            except TRANSIENT_SEND_ERRORS as error:
                logger.warning("Notifier %s could not reach liaison %s yet: %s", name, message.liaison_id, error)
                failure = failure or error
            except Exception:
                logger.exception("Notifier %s failed for liaison %s", name, message.liaison_id)
        message.channels = ",".join(done)[:200]
        if done and failure is None:
            message.delivered_at = timezone.now()
        message.save(update_fields=["channels", "delivered_at"])
    if failure is not None:
        raise failure
    return message.delivered_at is not None


def _deliver_or_retry_later(*, message: LiaisonMessage, union: Union, origin: str) -> bool:
    """Deliver now; on a passing failure hand the message to the retrying task (after the commit)."""
    try:
        return liaison_message_deliver(message_id=message.pk, union=union, origin=origin)
    except TRANSIENT_SEND_ERRORS:
        schema, message_id = connection.schema_name, message.pk
        transaction.on_commit(lambda: _enqueue_delivery(schema, message_id), robust=True)
        return False


def _enqueue_delivery(schema: str, message_id: int) -> None:
    from django_tenants.utils import schema_context
    from kombu.exceptions import OperationalError as BrokerUnavailable
    from redis.exceptions import RedisError

    from .tasks import liaison_message_deliver_task

    try:
        with schema_context(schema):  # the task runs in the union the message belongs to
            liaison_message_deliver_task.apply_async(args=[message_id], retry=False)
    except (RedisError, BrokerUnavailable, OSError) as error:
        # Still recorded as not delivered: the referral task's next run, or the nightly reminder, tries again.
        logger.warning("Retry of liaison message %s not queued: %s", message_id, error)


def _union() -> Union:
    return Union.objects.get(schema_name=connection.schema_name)


def liaison_referral_notify(*, case_id: int, transition_id: int) -> int:
    """Tell every active liaison of the department a case was referred to (the Celery task's work). Once per
    referral and liaison: a retried or repeated task sends nothing to a liaison who already received it; one
    whose send failed for a passing reason is retried by liaisons.deliver_message. Returns the number of
    liaisons told now."""
    case = Case.objects.select_related("department").filter(pk=case_id).first()
    if case is None or case.status != CaseStatus.REFERRED or case.department is None:
        return 0  # answered or moved on before the message went out
    union = _union()
    origin = union_origin(union=union)
    sent = 0
    for liaison in Liaison.objects.filter(department=case.department, active=True):
        message = _message_record(
            liaison=liaison, case=case, kind=MessageKind.REFERRAL, key=f"referral:{transition_id}"
        )
        if message is not None and _deliver_or_retry_later(message=message, union=union, origin=origin):
            sent += 1
    return sent


def liaison_reminders_send(*, today: datetime.date | None = None, days_before: int | None = None) -> int:
    """In the current union: remind each active liaison of a referred case whose deadline is within
    `days_before` days (LIAISON_REMINDER_DAYS_BEFORE) and not yet passed. Once per case and deadline (a new
    deadline is reminded again); a failed send is retried like the referral's. Returns the number sent now."""
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
    for case in cases:
        for liaison in liaisons.get(case.department_id, []):
            message = _message_record(
                liaison=liaison,
                case=case,
                kind=MessageKind.REMINDER,
                key=f"reminder:{case.pk}:{case.deadline.isoformat()}",
            )
            if message is not None and _deliver_or_retry_later(message=message, union=union, origin=origin):
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
