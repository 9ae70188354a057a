"""A union's children, one child by code, and the unions an event may invite: each asked in one place."""

from shared.unions.selectors import union_child_get, union_children, union_invitable


def codes(unions):
    return [union.code for union in unions]


def test_children_in_registry_order(world):
    assert codes(union_children(union=world.union("tcity"))) == ["tcounty1", "tcounty2"]
    assert codes(union_children(union=world.union("tcounty1"))) == []


def test_a_child_by_code_only_below_its_own_parent(world):
    city = world.union("tcity")
    assert union_child_get(union=city, code="tcounty2") == world.union("tcounty2")
    assert union_child_get(union=city, code="ocounty") is None  # another city's county
    assert union_child_get(union=city, code="tcity") is None
    assert union_child_get(union=world.union("tcounty1"), code="tcounty2") is None  # a sibling is no child


def test_invitable_the_same_city_without_oneself(world):
    assert codes(union_invitable(union=world.union("tcity"))) == ["tcounty1", "tcounty2"]
    assert sorted(codes(union_invitable(union=world.union("tcounty1")))) == ["tcity", "tcounty2"]
    assert "ocounty" not in codes(union_invitable(union=world.union("tcounty2")))
