from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "oversight.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from . import signals  # noqa: F401  (keeps linked events' copies current)
