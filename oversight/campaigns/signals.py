"""A linked event's copy follows the event: when an event is saved in a union's schema, that union's campaign
rows of the event are updated (one UPDATE; none for a new event, which no campaign links yet)."""

from __future__ import annotations

from django.db import connection
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name

from tenants.events.models import Event

from .services import campaign_events_refresh


@receiver(post_save, sender=Event, dispatch_uid="campaigns_event_copy")
def _event_saved(sender, instance: Event, created=False, raw=False, **kwargs):
    if raw or created or connection.schema_name == get_public_schema_name():
        return
    campaign_events_refresh(schema_name=connection.schema_name, event=instance)
