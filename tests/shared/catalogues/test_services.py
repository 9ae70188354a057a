import pytest
from django.utils import translation

from shared.catalogues import services
from shared.catalogues.models import Department, Topic
from shared.core.exceptions import ApplicationError


def test_create_appends_at_the_end_and_update_renames(world):
    admin = world.user("tcity-admin")
    last = max(Topic.objects.values_list("sort_order", flat=True))
    topic = services.topic_create(actor=admin, name=" 新业态 ")
    assert (topic.name, topic.sort_order) == ("新业态", last + 1)
    services.topic_update(topic=topic, actor=admin, name="新就业形态", sort_order=2)
    topic.refresh_from_db()
    assert (topic.name, topic.sort_order) == ("新就业形态", 2)


def test_an_entry_can_be_created_out_of_use(world):
    admin = world.user("tcity-admin")
    topic = services.topic_create(actor=admin, name="试点主题", is_active=False)
    department = services.department_create(actor=admin, name="试点部门", is_active=False)
    assert Topic.objects.get(pk=topic.pk).is_active is False
    assert Department.objects.get(pk=department.pk).is_active is False


def test_duplicate_names_are_refused_case_insensitively(world):
    admin = world.user("tcity-admin")
    services.department_create(actor=admin, name="Labour Bureau")
    with pytest.raises(ApplicationError) as caught:
        services.department_create(actor=admin, name="labour bureau")
    assert list(caught.value.fields) == ["name"]
    assert Department.objects.filter(name__iexact="labour bureau").count() == 1


def test_deactivate_keeps_the_entry(world):
    admin = world.user("tcity-admin")
    department = Department.objects.get(name="法院")
    services.department_deactivate(department=department, actor=admin)
    department.refresh_from_db()
    assert department.is_active is False
    services.department_activate(department=department, actor=admin)
    department.refresh_from_db()
    assert department.is_active is True


def test_unknown_fields_and_bad_sort_order(world):
    admin = world.user("tcity-admin")
    topic = Topic.objects.get(name="防欠薪")
    with pytest.raises(ApplicationError) as caught:
        services.topic_update(topic=topic, actor=admin, id=5)
    assert "id" in caught.value.fields
    with pytest.raises(ApplicationError) as caught:
        services.topic_update(topic=topic, actor=admin, sort_order=-2)
    assert "sort_order" in caught.value.fields


@pytest.mark.parametrize("sort_order", [2_147_483_648, 10**22])
def test_a_sort_order_beyond_the_column_is_a_field_error_not_a_500(world, sort_order):
    """make fuzz found PATCH with a huge sort_order answering 500 (integer out of range in PostgreSQL)."""
    topic = Topic.objects.get(name="防欠薪")
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as caught:
        services.topic_update(topic=topic, actor=world.user("tcity-admin"), sort_order=sort_order)
    assert caught.value.fields["sort_order"] == ["排序号应为 0 到 2147483647 之间的整数。"]
    topic.refresh_from_db()
    assert topic.sort_order < 2_147_483_648
