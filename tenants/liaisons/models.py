"""Department liaisons (部门联络员) of a union: the people of a government department who receive the cases the
union refers to it, through a link that needs no account, and the record of every message sent to them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Links to public tables (accounts, topics, departments, unions) have no database constraint
# (db_constraint=False): see shared.core.public_references for why and what keeps them sound.


class Liaison(models.Model):
    """A contact of one department of the catalogue for this union (one or more per department)."""

    department = models.ForeignKey(
        "catalogues.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department_id", "name", "id"]
        verbose_name = _("department liaison")
        verbose_name_plural = _("department liaisons")

    def __str__(self) -> str:
        return self.name

    @property
    def history_name(self) -> str:
        """How a case's history names a step this liaison took (the services record it with the step)."""
        return _("%(name)s (liaison of %(department)s)") % {"name": self.name, "department": self.department.name}


class LiaisonLink(models.Model):
    """A liaison's way in: the URL carries a signed (schema, id, nonce) token; the row makes it expire and
    lets the union revoke it. One live link per liaison is reused for every message until it expires."""

    liaison = models.ForeignKey(Liaison, on_delete=models.CASCADE, related_name="links")
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("liaison link")
        verbose_name_plural = _("liaison links")


class MessageKind(models.TextChoices):
    REFERRAL = "referral", _("Case referred")
    REMINDER = "reminder", _("Deadline reminder")


class LiaisonMessage(models.Model):
    """One message to one liaison about one condition (`key`, e.g. "reminder:12:2026-03-01"): the unique key
    is what makes the referral notice and the nightly reminders go out once, however often they run.

    The row is made before the message is sent; only `delivered_at` says it went out. A send that failed for a
    passing reason (the mail server down) leaves it empty and is retried by the task liaisons.deliver_message;
    `channels` names the channels that already delivered, so a retry sends through the others only."""

    liaison = models.ForeignKey(Liaison, on_delete=models.CASCADE, related_name="messages")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    key = models.CharField(max_length=80)
    sent_at = models.DateTimeField(auto_now_add=True)  # when the message was first due
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    channels = models.CharField(max_length=200, blank=True)  # comma-separated notifier class names that delivered

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["liaison", "key"], name="liaison_message_unique_key")]
