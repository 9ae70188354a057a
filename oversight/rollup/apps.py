from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupConfig(AppConfig):
    name = "oversight.rollup"
    label = "rollup"
    verbose_name = _("City oversight")

    def ready(self):
        from . import signals  # noqa: F401  (connects the roll-up refresh to tenant model changes)
