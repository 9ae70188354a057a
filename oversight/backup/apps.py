from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupConfig(AppConfig):
    name = "oversight.backup"
    label = "union_backup"
    verbose_name = _("Union backups")
