"""The assessment's arithmetic, free of the database: item scoring, validation and the ranking function."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from oversight.assessment.scoring import (
    METRICS,
    competition_ranks,
    default_items,
    rank_rows,
    score_items,
    validate_items,
)
from tenants.stats.selectors import STAT_KEYS


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def stats(**figures):
    return {key: 0 for key in STAT_KEYS} | figures


# --- ranking -------------------------------------------------------------------------------------


def test_standard_competition_ranking_1224():
    assert competition_ranks([90, 80, 80, 70]) == [1, 2, 2, 4]
    assert competition_ranks([70, 80, 90, 80]) == [4, 2, 1, 2]
    assert competition_ranks([5, 5, 5]) == [1, 1, 1]
    assert competition_ranks([]) == []


def test_ties_on_total_are_broken_by_on_site_rate_then_events_held():
    def row(code, total, solved, raised, held):
        return {
            "union": code,
            "total": total,
            "stats": stats(cases_solved_on_site=solved, cases_raised=raised, events_held=held),
        }

    rows = rank_rows(
        [
            row("a", 80, 1, 4, 5),  # rate 0.25
            row("b", 80, 1, 2, 4),  # rate 0.5: beats a on the tie-break
            row("c", 80, 2, 4, 6),  # rate 0.5 (exactly as b), more events: beats b
            row("d", 80, 2, 4, 6),  # same as c in every key: shares its rank
            row("e", 90, 0, 0, 0),  # no cases at all: rate 0, but the best total
            row("f", 70, 3, 3, 9),
        ]
    )
    assert [(r["union"], r["rank"]) for r in rows] == [("e", 1), ("c", 2), ("d", 2), ("b", 4), ("a", 5), ("f", 6)]


keys = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=25)


@given(keys)
def test_ranks_are_one_based_and_follow_the_keys(keys):
    ranks = competition_ranks(keys)
    assert len(ranks) == len(keys)
    assert all(rank >= 1 for rank in ranks)
    if keys:
        assert min(ranks) == 1
    # Best first, the ranks never go down.
    ordered = [rank for _key, rank in sorted(zip(keys, ranks, strict=True), key=lambda pair: pair[0], reverse=True)]
    assert ordered == sorted(ordered)
    for i, (key_i, rank_i) in enumerate(zip(keys, ranks, strict=True)):
        for key_j, rank_j in zip(keys[i + 1 :], ranks[i + 1 :], strict=True):
            assert (key_i == key_j) == (rank_i == rank_j)
            assert (key_i > key_j) == (rank_i < rank_j)
        # Standard competition ranking: exactly r - 1 units rank before a unit of rank r.
        assert sum(1 for other in ranks if other < rank_i) == rank_i - 1


@given(keys, st.randoms())
def test_ranks_do_not_depend_on_the_input_order(keys, random):
    shuffled = list(keys)
    random.shuffle(shuffled)
    rank_of = dict(zip(keys, competition_ranks(keys), strict=True))
    assert [rank_of[key] for key in shuffled] == competition_ranks(shuffled)


# --- scoring -------------------------------------------------------------------------------------


def test_default_scheme_is_valid_and_gives_100_points_to_a_perfect_union():
    items, errors = validate_items(default_items())
    assert errors == {}
    assert items == default_items()
    assert all(item["metric"] in METRICS for item in items)
    perfect = stats(
        events_held=6,
        enterprises_reached=40,
        worker_attendance=600,
        cases_raised=10,
        cases_solved_on_site=9,
        cases_referred=1,
        cases_resolved_on_time=1,
        departments_engaged=7,
        media_reports=9,
    )
    scored = score_items(items=items, stats=perfect, quota=4)
    assert scored["base"] == Decimal("100.00")
    assert scored["bonus"] == Decimal("2.00")  # two events over the quota, 1 point each (cap 3)
    assert scored["vetoes"] == []


def test_tiers_per_unit_caps_and_vetoes():
    figures = stats(
        events_held=3,  # 3/4 of the quota: tier 0.75
        cases_raised=10,
        cases_solved_on_site=5,  # 0.5: tier 0.4 → 0.5
        cases_referred=5,
        cases_resolved_on_time=4,  # 0.8: tier 0.75
        enterprises_reached=12,
        worker_attendance=100,
        departments_engaged=4,
        media_reports=3,  # 3 × 2 = 6
        cases_overdue=1,
    )
    scored = score_items(items=default_items(), stats=figures, quota=4)
    points = {line["key"]: line["points"] for line in scored["breakdown"]}
    assert points == {
        "quota": 22.5,
        "on_site": 10.0,
        "referred_on_time": 15.0,
        "reach_enterprises": 2.5,
        "reach_workers": 0.0,
        "departments": 7.0,
        "publicity": 6.0,
        "over_quota": 0.0,
        "veto_quota": 0.0,
        "veto_overdue": 0.0,
    }
    assert scored["score"] == Decimal("63.00")
    assert scored["vetoes"] == ["veto_quota", "veto_overdue"]
    values = {line["key"]: line["value"] for line in scored["breakdown"]}
    assert values["quota"] == 0.75 and values["on_site"] == 0.5 and values["publicity"] == 3
    # publicity is capped at 10 whatever the number of reports
    assert {
        line["key"]: line["points"]
        for line in score_items(items=default_items(), stats=stats(media_reports=40), quota=4)["breakdown"]
    }["publicity"] == 10.0


def test_rates_when_there_is_nothing_to_divide():
    scored = score_items(items=default_items(), stats=stats(), quota=0)
    values = {line["key"]: line["value"] for line in scored["breakdown"]}
    assert values["quota"] == 1.0  # no quota (before 2018): complete
    assert values["on_site"] == 0  # no cases raised: rate 0
    assert values["referred_on_time"] == 0  # nothing raised, nothing earned
    some = score_items(items=default_items(), stats=stats(cases_raised=3, cases_solved_on_site=3), quota=4)
    assert {line["key"]: line["value"] for line in some["breakdown"]}["referred_on_time"] == 1.0


def test_points_round_to_cents_and_tiers_xor_per_unit():
    item = {"key": "x", "label": "x", "metric": "on_site_rate", "kind": "normal", "weight": 10}
    clean, errors = validate_items([item | {"tiers": [{"at_least": 0, "fraction": 0.333}]}])
    assert errors == {}
    assert score_items(items=clean, stats=stats(), quota=0)["score"] == Decimal("3.33")
    _clean, errors = validate_items([item | {"tiers": [{"at_least": 0, "fraction": 1}], "per_unit": 1}])
    assert errors == {"items[0].tiers": ["Give either tiers or points per unit (per_unit), not both."]}
    _clean, errors = validate_items([item])
    assert errors == {"items[0].tiers": ["Give either tiers or points per unit (per_unit), not both."]}


def test_validation_reports_each_broken_rule_by_field():
    good = default_items()
    broken = [
        {**good[0], "weight": -1},
        {**good[1], "tiers": [{"at_least": 0.5, "fraction": 0.5}, {"at_least": 0.4, "fraction": 1}]},
        {**good[2], "metric": "happiness"},
        {**good[3], "key": good[0]["key"]},
        {**good[4], "kind": "extra"},
        {**good[5], "tiers": [{"at_least": 1, "fraction": 1.5}]},
        {**good[6], "per_unit": -2},
        {**good[8], "op": "about"},
        {**good[7], "label": ""},
    ]
    _items, errors = validate_items(broken)
    assert set(errors) == {
        "items[0].weight",
        "items[1].tiers",
        "items[2].metric",
        "items[3].key",
        "items[4].kind",
        "items[5].tiers",
        "items[6].per_unit",
        "items[7].op",
        "items[8].label",
    }
    assert validate_items([])[1] == {"items": ["A scheme needs a list of at least one item."]}
    assert "items" in validate_items("nope")[1]


# --- event records on time (like DHIS2's reporting timeliness) --------------------------------------

TIMELINESS_ITEM = {
    "key": "records_on_time",
    "label": "活动记录按期完成率",
    "metric": "event_records_on_time_rate",
    "kind": "normal",
    "weight": 10,
    "tiers": [{"at_least": 0.5, "fraction": 0.5}, {"at_least": 0.9, "fraction": 1}],
}


@pytest.mark.parametrize(
    ("figures", "points"),
    [
        ({"events_held": 10, "events_closed_on_time": 9, "events_closed_late": 1}, Decimal("10.00")),  # 90%
        ({"events_held": 10, "events_closed_on_time": 8, "events_record_missing": 2}, Decimal("5.00")),  # 80%
        ({"events_held": 4, "events_closed_on_time": 1, "events_closed_late": 2, "events_record_missing": 1}, 0),
        ({"events_held": 2}, Decimal("10.00")),  # held, none due yet: nothing late
        ({}, 0),  # nothing held: nothing to reward
    ],
)
def test_event_records_on_time_rate_counts_late_and_missing_as_not_on_time(figures, points):
    clean, errors = validate_items([TIMELINESS_ITEM])
    assert errors == {}
    [line] = score_items(items=clean, stats=stats(**figures), quota=4)["breakdown"]
    assert Decimal(line["points"]) == Decimal(points)


def test_a_veto_on_missing_event_records_can_be_set():
    veto = {"key": "veto_records", "label": "活动记录逾期未完成", "metric": "events_record_missing", "kind": "veto",
            "op": "gte", "threshold": 1}  # fmt: skip
    clean, errors = validate_items([veto])
    assert errors == {}
    assert score_items(items=clean, stats=stats(events_record_missing=1), quota=4)["vetoes"] == ["veto_records"]
    assert score_items(items=clean, stats=stats(events_record_missing=0), quota=4)["vetoes"] == []
