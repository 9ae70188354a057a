from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "shared.unions"
    label = "unions"
    verbose_name = _("Unions")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        from . import host_cache
        from .models import Domain, Union

        # The cached host → union lookup forgets a union's hosts whenever it or one of its domains changes.
        for signal in (post_save, pre_delete):
            signal.connect(host_cache.forget_union_hosts, sender=Union, dispatch_uid="unions-host-cache-union")
        for signal in (pre_save, post_delete):
            signal.connect(host_cache.forget_domain_host, sender=Domain, dispatch_uid="unions-host-cache-domain")
