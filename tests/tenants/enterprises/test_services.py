"""Enterprise services: rules at the service level, in the union's own schema."""

import pytest
from django.utils import translation

from shared.core.exceptions import ApplicationError
from tenants.enterprises.models import Enterprise
from tenants.enterprises.services import enterprise_create, enterprise_update

from .helpers import valid_code, wrong_check


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_create_normalises_and_saves(world, in_union):
    with in_union("tcounty1"):
        enterprise = enterprise_create(
            name="  衢州元立金属制品有限公司 ",
            credit_code=" " + valid_code(1).lower() + " ",
            industry="制造业",
            town="衢州绿色产业集聚区",
            employees=320,
            union_established=True,
            harmony_level="city",
        )
        enterprise.refresh_from_db()
        assert enterprise.name == "衢州元立金属制品有限公司"
        assert enterprise.credit_code == valid_code(1)
        assert enterprise.employees == 320


@pytest.mark.parametrize(
    "code, fragment",
    [
        ("9133080", "has 18 characters"),
        ("91330802MA00000I1X", "Invalid character"),
        (wrong_check(valid_code(2)), "Wrong check character"),
    ],
)
def test_bad_code_is_refused_naming_field_and_reason(world, in_union, code, fragment):
    with in_union("tcounty1"):
        with pytest.raises(ApplicationError) as caught:
            enterprise_create(name="某公司", credit_code=code)
        assert list(caught.value.fields) == ["credit_code"]
        assert fragment in str(caught.value.fields["credit_code"][0])
        assert not Enterprise.objects.filter(name="某公司").exists()


def test_duplicate_code_in_the_same_union_is_refused(world, in_union):
    with in_union("tcounty1"):
        enterprise_create(name="甲公司", credit_code=valid_code(3))
        with pytest.raises(ApplicationError) as caught:
            enterprise_create(name="乙公司", credit_code=valid_code(3))
        assert "already exists: 甲公司" in str(caught.value.fields["credit_code"][0])
        assert Enterprise.objects.filter(credit_code=valid_code(3)).count() == 1


def test_the_same_code_may_exist_in_another_union(world, in_union):
    with in_union("tcounty1"):
        enterprise_create(name="甲公司", credit_code=valid_code(4))
    with in_union("tcounty2"):
        enterprise_create(name="甲公司分部记录", credit_code=valid_code(4))
        assert Enterprise.objects.filter(credit_code=valid_code(4)).count() == 1


def test_enterprises_without_code_do_not_clash(world, in_union):
    with in_union("tcounty1"):
        enterprise_create(name="个体户一")
        enterprise_create(name="个体户二")
        assert Enterprise.objects.filter(credit_code="").count() == 2


def test_several_errors_at_once(world, in_union):
    with in_union("tcounty1"):
        with pytest.raises(ApplicationError) as caught:
            enterprise_create(name=" ", credit_code="X", employees=-1, harmony_level="galaxy")
        assert set(caught.value.fields) == {"name", "credit_code", "employees", "harmony_level"}


def test_update_keeps_own_code_and_refuses_another_ones(world, in_union):
    with in_union("tcounty1"):
        first = enterprise_create(name="甲公司", credit_code=valid_code(5))
        second = enterprise_create(name="乙公司", credit_code=valid_code(6))
        enterprise_update(enterprise=first, name="甲公司(更名)", credit_code=valid_code(5))
        with pytest.raises(ApplicationError) as caught:
            enterprise_update(enterprise=second, credit_code=valid_code(5))
        assert "credit_code" in caught.value.fields
        second.refresh_from_db()
        assert second.credit_code == valid_code(6)
        with pytest.raises(ApplicationError) as caught:
            enterprise_update(enterprise=second, created_at=None)
        assert "created_at" in caught.value.fields


def test_a_duplicate_that_slips_past_the_check_is_still_a_field_error(world, in_union, monkeypatch):
    """Two people saving the same code at once both pass the read check; the unique constraint decides, and the
    loser gets the same field error, not a 500."""
    import tenants.enterprises.services as services

    with in_union("tcounty1"):
        enterprise_create(name="先到公司", credit_code=valid_code(8))
        real_clean = services._clean

        def clean_without_duplicate_check(enterprise):
            enterprise.credit_code = enterprise.credit_code.strip().upper()
            assert real_clean is not None

        monkeypatch.setattr(services, "_clean", clean_without_duplicate_check)
        with pytest.raises(ApplicationError) as caught:
            enterprise_create(name="后到公司", credit_code=valid_code(8))
        assert caught.value.fields == {
            "credit_code": ["An enterprise with this unified social credit code already exists: 先到公司."]
        }
        assert Enterprise.objects.filter(credit_code=valid_code(8)).count() == 1
        assert Enterprise.objects.count() == 1  # the transaction is still usable
