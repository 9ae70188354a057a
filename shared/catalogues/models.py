"""Catalogues shared by every union (public schema): topics and government departments."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueEntry(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Topic(CatalogueEntry):
    """A theme area of events and cases (选题), e.g. 防欠薪."""

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Department(CatalogueEntry):
    """A government department or body invited to events and referred cases (职能部门)."""

    class Meta(CatalogueEntry.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")
