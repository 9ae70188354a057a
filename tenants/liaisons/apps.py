from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonsConfig(AppConfig):
    name = "tenants.liaisons"
    label = "liaisons"
    verbose_name = _("Department liaisons")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the referral notification)
