"""union_discard and the links other unions keep to the union discarded."""

from __future__ import annotations

from django.db import connection

from shared.unions.models import Union
from shared.unions.services import union_discard
from tenants.events.models import Event
from tests.shared.unions.test_provisioning import tcity_county
from tests.tenants.events.factories import EventFactory


def test_a_county_invited_to_a_sibling_event_can_be_discarded(world, in_union):
    """Invitations live in the inviting union's schema; the discarded county disappears from them."""
    county = tcity_county("invitedgone", "受邀县总工会", "339921")
    with in_union("tcounty1"):
        event = EventFactory(invited_unions=[county, world.union("tcounty2")])
    connection.set_schema_to_public()
    union_discard(union=county)
    assert not Union.objects.filter(code="invitedgone").exists()
    with in_union("tcounty1"):
        invited = Event.objects.get(pk=event.pk).invited_unions.all()
        assert {union.code for union in invited} == {"tcounty2"}
