"""The arithmetic of the annual assessment (年度考核), free of the database.

A scheme is a list of items (plain dicts, stored as JSON)::

    {"key": "quota", "label": "完成年度活动指标", "metric": "quota_completion", "kind": "normal",
     "weight": 30, "tiers": [{"at_least": 0.5, "fraction": 0.5}, {"at_least": 1, "fraction": 1}], "cap": None}

- ``metric`` names a figure of METRICS, computed from a union's roll-up row and its quota.
- ``kind`` ``normal`` items make the base score; ``bonus`` items add to it; ``veto`` items (不予评先) score
  nothing and flag the union when their condition holds (``op`` one of lt/lte/gt/gte, ``threshold``).
- A normal or bonus item scores either by ``tiers`` (the highest tier whose ``at_least`` the value reaches
  gives ``fraction`` × ``weight``) or by ``per_unit`` points for each unit of the metric.
- An item never gives more than ``weight`` nor more than ``cap`` when one is set.

Points are Decimals rounded to 0.01, so totals add up exactly and ties are real ties.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from shared.core.exceptions import FieldErrors
from tenants.stats.selectors import STAT_KEYS

KINDS = ("normal", "bonus", "veto")
VETO_OPS = {
    "lt": lambda value, threshold: value < threshold,
    "lte": lambda value, threshold: value <= threshold,
    "gt": lambda value, threshold: value > threshold,
    "gte": lambda value, threshold: value >= threshold,
}
DERIVED_METRICS = (
    "quota",  # the union's quota of held events for the year
    "quota_completion",  # events_held / quota (1 when the quota is 0)
    "events_over_quota",  # max(0, events_held - quota)
    "on_site_rate",  # cases_solved_on_site / cases_raised (0 when none raised)
    "referred_on_time_rate",  # cases_resolved_on_time / cases_referred (1 when none referred but some raised, else 0)
    # Like DHIS2's reporting timeliness: records complete on time / records due (on time + late + missing);
    # 1 when none is due yet but some event was held, else 0.
    "event_records_on_time_rate",
)
METRICS = tuple(STAT_KEYS) + DERIVED_METRICS
MAX_ITEMS = 40
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CENT = Decimal("0.01")


def _tiers(*pairs) -> list[dict]:
    return [{"at_least": at_least, "fraction": fraction} for at_least, fraction in pairs]


# A sensible starting point: 100 points of normal items, a capped bonus and two veto items.
DEFAULT_ITEMS: list[dict] = [
    {
        "key": "quota",
        "label": "完成年度活动指标",
        "metric": "quota_completion",
        "kind": "normal",
        "weight": 30,
        "tiers": _tiers((0.25, 0.25), (0.5, 0.5), (0.75, 0.75), (1, 1)),
        "cap": None,
    },
    {
        "key": "on_site",
        "label": "问题现场解决率",
        "metric": "on_site_rate",
        "kind": "normal",
        "weight": 20,
        "tiers": _tiers((0.2, 0.25), (0.4, 0.5), (0.6, 0.75), (0.8, 1)),
        "cap": None,
    },
    {
        "key": "referred_on_time",
        "label": "交办问题按期办结率",
        "metric": "referred_on_time_rate",
        "kind": "normal",
        "weight": 20,
        "tiers": _tiers((0.6, 0.5), (0.8, 0.75), (0.95, 1)),
        "cap": None,
    },
    {
        "key": "reach_enterprises",
        "label": "覆盖企业数",
        "metric": "enterprises_reached",
        "kind": "normal",
        "weight": 5,
        "tiers": _tiers((10, 0.5), (30, 1)),
        "cap": None,
    },
    {
        "key": "reach_workers",
        "label": "参与职工人次",
        "metric": "worker_attendance",
        "kind": "normal",
        "weight": 5,
        "tiers": _tiers((200, 0.5), (500, 1)),
        "cap": None,
    },
    {
        "key": "departments",
        "label": "联动职能部门数",
        "metric": "departments_engaged",
        "kind": "normal",
        "weight": 10,
        "tiers": _tiers((2, 0.4), (4, 0.7), (6, 1)),
        "cap": None,
    },
    {
        "key": "publicity",
        "label": "宣传报道",
        "metric": "media_reports",
        "kind": "normal",
        "weight": 10,
        "per_unit": 2,
        "cap": 10,
    },
    {
        "key": "over_quota",
        "label": "超额完成活动加分",
        "metric": "events_over_quota",
        "kind": "bonus",
        "weight": 3,
        "per_unit": 1,
        "cap": 3,
    },
    {
        "key": "veto_quota",
        "label": "未完成年度活动指标（不予评先）",
        "metric": "quota_completion",
        "kind": "veto",
        "op": "lt",
        "threshold": 1,
    },
    {
        "key": "veto_overdue",
        "label": "交办问题逾期未办结（不予评先）",
        "metric": "cases_overdue",
        "kind": "veto",
        "op": "gte",
        "threshold": 1,
    },
]


def default_items() -> list[dict]:
    return [
        dict(item, tiers=[dict(t) for t in item["tiers"]]) if "tiers" in item else dict(item) for item in DEFAULT_ITEMS
    ]


# --- validation ----------------------------------------------------------------------------------


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal):
    """A JSON-friendly number: int when whole, else float."""
    return int(number) if number == number.to_integral_value() else float(number)


def validate_items(items) -> tuple[list[dict], dict[str, list[str]]]:
    """Check a scheme's items; return (normalised items, field errors keyed like ``items[2].tiers``)."""
    errors = FieldErrors()
    if not isinstance(items, list) or not items:
        errors.add("items", _("A scheme needs a list of at least one item."))
        return [], dict(errors)
    if len(items) > MAX_ITEMS:
        errors.add("items", _("A scheme has at most %(max)d items.") % {"max": MAX_ITEMS})
        return [], dict(errors)
    clean: list[dict] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        out = _validate_item(item, where=f"items[{index}]", seen=seen, errors=errors)
        if out is not None:
            clean.append(out)
    return clean, dict(errors)


def _validate_item(item, *, where: str, seen: set[str], errors: FieldErrors) -> dict | None:
    """One item normalised, or None when it is too broken to keep (its errors are recorded either way)."""
    if not isinstance(item, dict):
        errors.add(where, _("Each item is an object."))
        return None
    key = item.get("key")
    _check_key(key, where=where, seen=seen, errors=errors)
    label = item.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > 100:
        errors.add(f"{where}.label", _("A label of 1 to 100 characters is required."))
    metric = item.get("metric")
    if metric not in METRICS:
        errors.add(
            f"{where}.metric", _("Unknown metric. Known metrics: %(metrics)s.") % {"metrics": ", ".join(METRICS)}
        )
    kind = item.get("kind", "normal")
    if kind not in KINDS:
        errors.add(f"{where}.kind", _("The kind is one of normal, bonus, veto."))
        return None
    out = {"key": key, "label": label.strip() if isinstance(label, str) else label, "metric": metric, "kind": kind}
    if kind == "veto":
        return _validate_veto(item, out, where=where, errors=errors)
    return _validate_points(item, out, where=where, errors=errors)


def _check_key(key, *, where: str, seen: set[str], errors: FieldErrors) -> None:
    if not isinstance(key, str) or not KEY_RE.match(key):
        errors.add(f"{where}.key", _("A key is lower-case letters, digits and underscores, starting with a letter."))
    elif key in seen:
        errors.add(f"{where}.key", _("Keys must be unique within a scheme."))
    else:
        seen.add(key)


def _validate_veto(item: dict, out: dict, *, where: str, errors: FieldErrors) -> dict:
    op = item.get("op")
    if op not in VETO_OPS:
        errors.add(f"{where}.op", _("The condition is one of lt, lte, gt, gte."))
    threshold = _number(item.get("threshold"))
    if threshold is None:
        errors.add(f"{where}.threshold", _("A veto item needs a numeric threshold."))
    else:
        out.update(op=op, threshold=_plain(threshold))
    return out


def _points(out: dict, name: str, value, *, where: str, errors: FieldErrors, message) -> None:
    """Store a number of points (zero or more) as out[name], or record `message` for the field."""
    number = _number(value)
    if number is None or number < 0:
        errors.add(f"{where}.{name}", message)
    else:
        out[name] = _plain(number)


def _validate_points(item: dict, out: dict, *, where: str, errors: FieldErrors) -> dict | None:
    """A normal or bonus item: weight, optional cap, and either tiers or points per unit."""
    _points(
        out,
        "weight",
        item.get("weight"),
        where=where,
        errors=errors,
        message=_("The weight is a number of points, zero or more."),
    )
    if item.get("cap") is None:
        out["cap"] = None
    else:
        _points(
            out,
            "cap",
            item["cap"],
            where=where,
            errors=errors,
            message=_("The cap is a number of points, zero or more, or null."),
        )
    tiers, per_unit = item.get("tiers"), item.get("per_unit")
    if (tiers is None or tiers == []) == (per_unit is None):
        errors.add(f"{where}.tiers", _("Give either tiers or points per unit (per_unit), not both."))
        return None
    if per_unit is not None:
        _points(
            out,
            "per_unit",
            per_unit,
            where=where,
            errors=errors,
            message=_("Points per unit are a number, zero or more."),
        )
        return out
    if not isinstance(tiers, list):
        errors.add(f"{where}.tiers", _("Tiers are a list of {at_least, fraction}."))
        return None
    out["tiers"] = _validate_tiers(tiers, where=where, errors=errors)
    return out


def _validate_tiers(tiers: list, *, where: str, errors: FieldErrors) -> list[dict]:
    """Ascending tiers; the first broken tier records one error and ends the list."""
    clean_tiers, previous = [], None
    for tier in tiers:
        at_least = _number(tier.get("at_least")) if isinstance(tier, dict) else None
        fraction = _number(tier.get("fraction")) if isinstance(tier, dict) else None
        if at_least is None or fraction is None:
            errors.add(f"{where}.tiers", _("Each tier has a numeric at_least and fraction."))
            break
        if not (0 <= fraction <= 1):
            errors.add(f"{where}.tiers", _("A tier's fraction lies between 0 and 1."))
            break
        if previous is not None and (at_least <= previous[0] or fraction < previous[1]):
            errors.add(f"{where}.tiers", _("Tiers must ascend: each threshold and fraction above the one before."))
            break
        previous = (at_least, fraction)
        clean_tiers.append({"at_least": _plain(at_least), "fraction": _plain(fraction)})
    return clean_tiers


# --- scoring -------------------------------------------------------------------------------------


def metric_values(*, stats: dict, quota: int) -> dict:
    """Every metric of METRICS for one union: raw STAT_KEYS plus the derived rates (as Fractions)."""
    values = {key: int(stats.get(key) or 0) for key in STAT_KEYS}
    held, raised = values["events_held"], values["cases_raised"]
    referred = values["cases_referred"]
    values["quota"] = quota
    values["quota_completion"] = Fraction(held, quota) if quota else Fraction(1)
    values["events_over_quota"] = max(0, held - quota)
    values["on_site_rate"] = Fraction(values["cases_solved_on_site"], raised) if raised else Fraction(0)
    if referred:
        values["referred_on_time_rate"] = Fraction(values["cases_resolved_on_time"], referred)
    else:
        values["referred_on_time_rate"] = Fraction(1 if raised else 0)
    on_time = values["events_closed_on_time"]
    due = on_time + values["events_closed_late"] + values["events_record_missing"]
    values["event_records_on_time_rate"] = Fraction(on_time, due) if due else Fraction(1 if held else 0)
    return values


@functools.lru_cache(maxsize=4096)
def _as_fraction(number) -> Fraction:
    """A scheme's number (weight, tier, cap…) exactly; cached, as a ranking scores every union with the same
    few numbers (Fractions are immutable)."""
    return Fraction(Decimal(str(number)))


def _cents(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _display(value) -> int | float:
    if isinstance(value, Fraction):
        return round(float(value), 4)
    return value


@functools.lru_cache(maxsize=1024)
def _limit(weight, cap) -> tuple[Fraction, float]:
    """An item's most points (its weight, or its cap when lower), exactly and as shown."""
    limit = _as_fraction(weight) if cap is None else min(_as_fraction(weight), _as_fraction(cap))
    return limit, float(_cents(limit))


@functools.lru_cache(maxsize=1024)
def _tier_table(weight, cap, tiers: tuple) -> tuple[tuple[int, int, Decimal], ...]:
    """A tiered item's tiers as (threshold numerator, threshold denominator, points): the points a union
    reaching that threshold scores, the same for every union (computed once per scheme)."""
    limit, _shown = _limit(weight, cap)
    table = []
    for at_least, fraction in tiers:
        threshold = _as_fraction(at_least)
        points = _cents(min(_as_fraction(weight) * _as_fraction(fraction), limit))
        table.append((threshold.numerator, threshold.denominator, points))
    return tuple(table)


def _tier_points(value: int | Fraction, table: tuple[tuple[int, int, Decimal], ...]) -> Decimal:
    """The most points of the tiers `value` reaches (0 when none): the weight times the highest fraction
    reached, capped, in cents (rounding is monotonic, so the highest fraction gives the most cents)."""
    numerator, denominator = value.numerator, value.denominator
    best = Decimal("0.00")
    for at_least_numerator, at_least_denominator, points in table:
        # value >= at_least, in integers (denominators are positive)
        if numerator * at_least_denominator >= at_least_numerator * denominator and points > best:
            best = points
    return best


def scheme_rules(items: Sequence[dict]) -> tuple[tuple, ...]:
    """A scheme's items ready to score union after union: each item's exact numbers (threshold, points per
    unit, its most points, the points of each tier) worked out once per scheme instead of once per union.
    Each rule is (key, label, kind, metric, how, a, b, c): `how` "veto" with its comparison and threshold
    (numerator, denominator), "per_unit" with the points per unit, the most points and as shown, or "tiers"
    with the tier table (_tier_table) and the most points as shown."""
    rules = []
    for item in items:
        head = (item["key"], item["label"], item["kind"], item["metric"])
        if item["kind"] == "veto":
            threshold = _as_fraction(item["threshold"])
            numbers = (VETO_OPS[item["op"]], threshold.numerator, threshold.denominator)
            rules.append((*head, "veto", *numbers))
            continue
        limit, max_points = _limit(item["weight"], item.get("cap"))
        if "per_unit" in item:
            rules.append((*head, "per_unit", _as_fraction(item["per_unit"]), limit, max_points))
        else:
            tiers = tuple((t["at_least"], t["fraction"]) for t in item["tiers"])
            rules.append((*head, "tiers", _tier_table(item["weight"], item.get("cap"), tiers), max_points, None))
    return tuple(rules)


def score_items(*, items: Sequence[dict], stats: dict, quota: int) -> dict:
    """Score one union. Returns ``{"breakdown": [...], "base", "bonus", "score" (Decimals), "vetoes": [keys]}``."""
    return score_rules(rules=scheme_rules(items), stats=stats, quota=quota)


def score_rules(*, rules: tuple[tuple, ...], stats: dict, quota: int) -> dict:
    """score_items with the scheme already prepared by scheme_rules (a ranking prepares it once)."""
    values = metric_values(stats=stats, quota=quota)
    breakdown, base, bonus, vetoes = [], Decimal(0), Decimal(0), []
    for key, label, kind, metric, how, a, b, c in rules:
        value = values[metric]  # an int or a Fraction: both compare and multiply exactly
        line = {"key": key, "label": label, "kind": kind, "metric": metric, "value": _display(value)}
        if how == "veto":
            # value against the threshold b/c, in integers (denominators are positive)
            fired = a(value.numerator * c, b * value.denominator)
            line.update(points=0.0, max_points=0.0, vetoed=fired)
            if fired:
                vetoes.append(key)
            breakdown.append(line)
            continue
        if how == "per_unit":
            points, max_points = _cents(min(value * a, b)), c
        else:
            points, max_points = _tier_points(value, a), b
        line.update(points=float(points), max_points=max_points)
        breakdown.append(line)
        if kind == "bonus":
            bonus += points
        else:
            base += points
    return {"breakdown": breakdown, "base": base, "bonus": bonus, "score": base + bonus, "vetoes": vetoes}


# --- ranking -------------------------------------------------------------------------------------


def competition_ranks(keys: Sequence) -> list[int]:
    """Standard competition ranking ("1224"): a larger key ranks better; equal keys share a rank and the
    next rank skips as many places as units tied. Rank of a key = 1 + number of strictly larger keys."""
    ordered = sorted(keys, reverse=True)
    first: dict = {}
    for position, key in enumerate(ordered, start=1):
        first.setdefault(key, position)
    return [first[key] for key in keys]


def ranking_key(row: dict) -> tuple:
    """Total (incl. adjustments), then on-site resolution rate, then events held. Exact values, so that
    only true ties share a rank."""
    stats = row["stats"]
    raised = int(stats.get("cases_raised") or 0)
    rate = Fraction(int(stats.get("cases_solved_on_site") or 0), raised) if raised else Fraction(0)
    return (Decimal(str(row["total"])), rate, int(stats.get("events_held") or 0))


def rank_rows(rows: Iterable[dict]) -> list[dict]:
    """Set ``rank`` on each row and return them best first (ties in the given order)."""
    rows = list(rows)
    for row, rank in zip(rows, competition_ranks([ranking_key(row) for row in rows]), strict=True):
        row["rank"] = rank
    return sorted(rows, key=lambda row: row["rank"])


# What each metric is called on a page or in an export; rates are shown as percentages.
METRIC_LABELS = {
    "events_planned": _("Events planned"),
    "events_held": _("Events held"),
    "events_cancelled": _("Events cancelled"),
    "enterprises_reached": _("Enterprises reached"),
    "worker_attendance": _("Worker attendances"),
    "cases_raised": _("Cases raised"),
    "cases_solved_on_site": _("Cases solved on site"),
    "cases_referred": _("Cases referred"),
    "cases_resolved_on_time": _("Referred cases resolved on time"),
    "cases_overdue": _("Referred cases overdue"),
    "departments_engaged": _("Departments engaged"),
    "media_reports": _("Media reports"),
    "events_closed_on_time": _("Event records completed on time"),
    "events_closed_late": _("Event records completed late"),
    "events_record_missing": _("Event records missing"),
    "quota": _("Annual quota of events"),
    "quota_completion": _("Quota completion"),
    "events_over_quota": _("Events over the quota"),
    "on_site_rate": _("On-site resolution rate"),
    "referred_on_time_rate": _("On-time resolution rate of referred cases"),
    "event_records_on_time_rate": _("Event records completed on time (rate)"),
}
RATE_METRICS = frozenset({"quota_completion", "on_site_rate", "referred_on_time_rate", "event_records_on_time_rate"})
OP_SIGNS = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}


def metric_label(metric: str) -> str:
    return str(METRIC_LABELS.get(metric, metric))


def metric_display(metric: str, value) -> str:
    """A metric's value as readers expect it: rates as percentages (42.2%), counts as integers."""
    if value is None or value == "":
        return ""
    if metric in RATE_METRICS:
        percent = Decimal(str(float(value) * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{percent.normalize():f}%"
    number = Decimal(str(value))
    return f"{number.normalize():f}" if number != number.to_integral_value() else str(int(number))


def veto_reasons(*, items: Sequence[dict], breakdown: Sequence[dict]) -> list[str]:
    """Why a union is not eligible for commendation (不予评先): each fired veto item, its figure and its rule,
    e.g. "交办问题逾期未办结（不予评先）：交办问题逾期 3（规则：≥ 1）"."""
    rules = {item["key"]: item for item in items if item.get("kind") == "veto"}
    reasons = []
    for line in breakdown:
        item = rules.get(line["key"])
        if item is None or not line.get("vetoed"):
            continue
        metric = item["metric"]
        reasons.append(
            _("%(item)s: %(metric)s %(value)s (rule: %(sign)s %(threshold)s)")
            % {
                "item": item["label"],
                "metric": metric_label(metric),
                "value": metric_display(metric, line["value"]),
                "sign": OP_SIGNS.get(item["op"], item["op"]),
                "threshold": metric_display(metric, item["threshold"]),
            }
        )
    return reasons
