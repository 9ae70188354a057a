from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Users live in the public schema; what they may do in a union comes
    from their Membership of it."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)

    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")  # manages the union's users and settings, plus staff work
    STAFF = "staff", _("Staff")  # does the union's work
    VIEWER = "viewer", _("Viewer")  # reads


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "union"], name="membership_unique_user_union")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.union.code} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Invitation(models.Model):
    """A one-time link for a person to join a union: they choose their password and get the role.

    Only a hash of the link's token is stored, so the table alone never lets anyone in.
    """

    union = models.ForeignKey("unions.Union", on_delete=models.CASCADE, related_name="invitations")
    username = models.CharField(_("username"), max_length=150)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Set when the link stops counting: a new link was sent instead, or an admin withdrew it.
    closed_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.username} → {self.union.code} ({self.role})"

    def is_pending(self, now) -> bool:
        return self.accepted_at is None and self.closed_at is None and self.expires_at > now
