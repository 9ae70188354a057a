"""Topic planning at the service level: suggestions, ranking, plan items, adjustments with reasons."""

import pytest
from django.utils import translation

from shared.catalogues.models import Department, Topic
from shared.core.exceptions import ApplicationError
from tenants.planning.models import PlanAdjustment, PlanItem, Suggestion
from tenants.planning.selectors import plan_adjustment_list, topic_ranking
from tenants.planning.services import plan_item_adjust, plan_item_create, suggestion_create


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def topic(name):
    return Topic.objects.get(name=name)


def department(name):
    return Department.objects.get(name=name)


def suggest(actor, year, name, times, source="questionnaire"):
    for n in range(times):
        suggestion_create(actor=actor, year=year, source=source, topic=topic(name), text=f"{name} #{n}")


def test_ranking_counts_per_topic_with_standard_competition_ranks(world, in_union):
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        suggest(staff, 2024, "防欠薪", 3)
        suggest(staff, 2024, "女职工关爱", 2, source="interview")  # sort order 15
        suggest(staff, 2024, "工资集体协商", 2, source="site_visit")  # sort order 2: listed first among the tied
        suggest(staff, 2024, "金秋助学", 1)
        suggest(staff, 2023, "金秋助学", 5)  # another year does not count
        ranking = topic_ranking(year=2024)
        assert [(row["rank"], row["topic"].name, row["count"]) for row in ranking] == [
            (1, "防欠薪", 3),
            (2, "工资集体协商", 2),
            (2, "女职工关爱", 2),
            (4, "金秋助学", 1),
        ]
        assert topic_ranking(year=2022) == []


def test_suggestion_rules(world, in_union):
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        with pytest.raises(ApplicationError) as caught:
            suggestion_create(actor=staff, year=1999, source="hotline", topic=None, text=" ")
        assert set(caught.value.fields) == {"year", "source", "topic", "text"}
        retired = topic("普法宣传")
        retired.is_active = False
        retired.save()
        with pytest.raises(ApplicationError) as caught:
            suggestion_create(actor=staff, year=2024, source="interview", topic=retired, text="x")
        assert caught.value.fields == {"topic": ["The topic “普法宣传” is no longer in use."]}
        assert Suggestion.objects.count() == 0


def test_plan_item_create_and_month_taken(world, in_union):
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        item = plan_item_create(
            actor=staff,
            year=2024,
            month=3,
            theme="关注肾脏病、关爱女职工",
            topic=topic("女职工关爱"),
            departments=[department("卫健委")],
        )
        assert list(item.departments.values_list("name", flat=True)) == ["卫健委"]
        with pytest.raises(ApplicationError) as caught:
            plan_item_create(actor=staff, year=2024, month=3, theme="另一个", topic=topic("防欠薪"))
        assert caught.value.fields == {"month": ["The plan of 2024 already has an item for month 3."]}
        with pytest.raises(ApplicationError) as caught:
            plan_item_create(actor=staff, year=2024, month=13, theme="", topic=topic("防欠薪"))
        assert set(caught.value.fields) == {"month", "theme"}
        assert PlanItem.objects.count() == 1


def test_adjust_records_before_after_actor_and_reason(world, in_union):
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        item = plan_item_create(
            actor=staff, year=2024, month=5, theme="防欠薪专题", topic=topic("防欠薪"), departments=[department("法院")]
        )
        plan_item_adjust(
            item=item,
            actor=staff,
            reason="市政府安排安全生产月",
            month=6,
            theme="职工安全出行",
            topic=topic("职工安全出行"),
            departments=[department("公安局(交警)"), department("应急管理局")],
        )
        item.refresh_from_db()
        assert (item.month, item.theme) == (6, "职工安全出行")
        adjustment = PlanAdjustment.objects.get(item=item)
        assert adjustment.reason == "市政府安排安全生产月"
        assert adjustment.actor == staff
        assert adjustment.before == {
            "year": 2024,
            "month": 5,
            "theme": "防欠薪专题",
            "topic": {"id": topic("防欠薪").pk, "name": "防欠薪"},
            "departments": [{"id": department("法院").pk, "name": "法院"}],
        }
        assert adjustment.after["month"] == 6
        assert [d["name"] for d in adjustment.after["departments"]] == ["应急管理局", "公安局(交警)"]
        assert list(plan_adjustment_list(year=2024)) == [adjustment]


def test_adjust_without_reason_or_without_change_is_refused_and_changes_nothing(world, in_union):
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        item = plan_item_create(actor=staff, year=2024, month=7, theme="金秋助学", topic=topic("金秋助学"))
        with pytest.raises(ApplicationError) as caught:
            plan_item_adjust(item=item, actor=staff, reason="  ", theme="改")
        assert caught.value.fields == {"reason": ["Every change to the plan needs a reason."]}
        with pytest.raises(ApplicationError) as caught:
            plan_item_adjust(item=item, actor=staff, reason="无变化", theme="金秋助学")
        assert caught.value.code == "no_change"
        other = plan_item_create(actor=staff, year=2024, month=8, theme="八月", topic=topic("防欠薪"))
        with pytest.raises(ApplicationError) as caught:
            plan_item_adjust(item=other, actor=staff, reason="挪到七月", month=7)
        assert "month" in caught.value.fields
        with pytest.raises(ApplicationError) as caught:
            plan_item_adjust(item=other, actor=staff, reason="x", year=2025)
        assert "year" in caught.value.fields
        item.refresh_from_db()
        other.refresh_from_db()
        assert (item.theme, other.month) == ("金秋助学", 8)
        assert PlanAdjustment.objects.count() == 0


def test_adjust_keeps_a_department_retired_since_but_refuses_adding_one(world, in_union):
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        court, lawyers = department("法院"), department("律师协会")
        item = plan_item_create(
            actor=staff, year=2024, month=9, theme="以案说法", topic=topic("以案说法"), departments=[court]
        )
        court.is_active = lawyers.is_active = False
        court.save()
        lawyers.save()
        plan_item_adjust(item=item, actor=staff, reason="改题", theme="以案说法进企业", departments=[court])
        with pytest.raises(ApplicationError) as caught:
            plan_item_adjust(item=item, actor=staff, reason="加律协", departments=[court, lawyers])
        assert caught.value.fields == {"departments": ["These departments are no longer in use: 律师协会."]}


def test_a_month_taken_concurrently_is_still_a_field_error(world, in_union, monkeypatch):
    """The unique (year, month) constraint catches what the read check missed; the answer is a field error."""
    staff = world.user("tcounty1-staff")
    with in_union("tcounty1"):
        plan_item_create(actor=staff, year=2026, month=4, theme="四月", topic=topic("防欠薪"))
        real_filter = PlanItem.objects.filter

        class Blind:
            def exists(self):
                return False

        monkeypatch.setattr(
            PlanItem.objects, "filter", lambda *a, **k: Blind() if k.get("month") == 4 else real_filter(*a, **k)
        )
        with pytest.raises(ApplicationError) as caught:
            plan_item_create(actor=staff, year=2026, month=4, theme="也是四月", topic=topic("金秋助学"))
        assert caught.value.fields == {"month": ["The plan of 2026 already has an item for month 4."]}
        monkeypatch.undo()
        assert PlanItem.objects.filter(year=2026).count() == 1
