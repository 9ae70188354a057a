from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class UnionLevel(models.TextChoices):
    CITY = "city", _("City union")
    COUNTY = "county", _("County union")


class Union(TenantMixin):
    """A trade union (工会); each one is a tenant with its own PostgreSQL schema named after its code.

    The registry is a tree (city → counties), deep enough to put a province above cities later.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=UnionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent union"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region_code = models.CharField(_("region code"), max_length=6)
    created_at = models.DateTimeField(auto_now_add=True)

    # Schemas are created by unions.services.union_create, inside its transaction.
    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["region_code", "code"]
        verbose_name = _("union")
        verbose_name_plural = _("unions")

    def __str__(self) -> str:
        return self.name

    @property
    def is_city(self) -> bool:
        return self.level == UnionLevel.CITY

    def city(self) -> "Union":
        """The city union this union answers to (itself for a city)."""
        return self if self.is_city else self.parent


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
