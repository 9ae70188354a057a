"""The union lookup by host name, cached: every request needs it, and it changes only when a union or one of
its domains does.

The cache holds the union row (pickled) under the host name for HOST_CACHE_SECONDS. Saving or deleting a union
or a domain removes the keys of every host of that union, at once and again when the transaction commits (a
request that read the old row in between cannot leave it behind). The time limit bounds how long a change made
around the ORM (raw SQL, a queryset update) can be served stale. Hosts that name no union are not cached, so a
flood of made-up Host headers cannot fill the cache. With Redis unreachable every request reads the database
and saves still succeed: the cache is a shortcut, never a reason to fail.
"""

from __future__ import annotations

import contextlib
import logging

from django.core.cache import cache
from django.db import connection, transaction
from redis.exceptions import RedisError

from .models import Domain, Union

logger = logging.getLogger(__name__)

HOST_CACHE_SECONDS = 300
CACHE_ERRORS = (RedisError, OSError)


def host_cache_key(hostname: str) -> str:
    # The database name keeps deployments (and test databases) that share one Redis apart.
    return f"unions:host:{connection.settings_dict['NAME']}:{hostname}"


def union_for_host(*, hostname: str) -> Union:
    """The union served at `hostname`; raises Domain.DoesNotExist for a host that names none."""
    key = host_cache_key(hostname)
    try:
        union = cache.get(key)
    except CACHE_ERRORS as error:
        logger.warning("Union lookup for %s without the cache: %s", hostname, error)
        return Domain.objects.select_related("tenant").get(domain=hostname).tenant
    if union is None:
        union = Domain.objects.select_related("tenant").get(domain=hostname).tenant
        with contextlib.suppress(*CACHE_ERRORS):
            cache.set(key, union, HOST_CACHE_SECONDS)
    return union


def host_cache_forget(*, hostnames: list[str]) -> None:
    keys = [host_cache_key(hostname) for hostname in hostnames]
    if not keys:
        return

    def forget():
        try:
            cache.delete_many(keys)
        except CACHE_ERRORS as error:  # entries left behind expire within HOST_CACHE_SECONDS
            logger.warning("Could not drop cached hosts %s: %s", hostnames, error)

    forget()
    transaction.on_commit(forget)


def forget_union_hosts(sender, instance: Union, **kwargs) -> None:
    host_cache_forget(hostnames=list(Domain.objects.filter(tenant_id=instance.pk).values_list("domain", flat=True)))


def forget_domain_host(sender, instance: Domain, **kwargs) -> None:
    hostnames = [instance.domain]
    if instance.pk:
        # A renamed domain: its old name must go too.
        hostnames += list(Domain.objects.filter(pk=instance.pk).values_list("domain", flat=True))
    host_cache_forget(hostnames=hostnames)
