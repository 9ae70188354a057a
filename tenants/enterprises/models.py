from django.db import models
from django.utils.translation import gettext_lazy as _


class HarmonyLevel(models.TextChoices):
    NONE = "", _("None")
    COUNTY = "county", _("County-level harmonious enterprise")
    CITY = "city", _("City-level harmonious enterprise")
    PROVINCE = "province", _("Province-level harmonious enterprise")


class Enterprise(models.Model):
    """An enterprise (企业) the union works with. Lives in the union's own schema."""

    name = models.CharField(_("name"), max_length=200)
    # 统一社会信用代码: 18 characters, GB 32100-2015 check character (validated in services).
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    town = models.CharField(_("town / street or park"), max_length=100, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    union_established = models.BooleanField(_("union established"), default=False)
    harmony_level = models.CharField(
        _("harmonious-enterprise level"), max_length=10, choices=HarmonyLevel.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="enterprise_unique_credit_code"
            ),
            models.CheckConstraint(condition=models.Q(employees__gte=0), name="enterprise_employees_non_negative"),
        ]

    def __str__(self) -> str:
        return self.name
