"""Demo data: the province of 浙江 above the city of 衢州 and its six county unions, and the city of 丽水 with two
county unions (so that the province's rankings mean something), with an admin and a staff login each.

Demo users exist only here; production never runs this (the load_demo command refuses to).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from demo.campaigns import demo_campaign_load
from shared.accounts.models import Role, User
from shared.accounts.services import membership_grant
from shared.unions.models import Union, UnionLevel
from shared.unions.services import union_create
from tenants.events.demo import demo_history_load  # events, cases, enterprises since 2017-02

DEMO_PASSWORD = "demo12345"
DEMO_HISTORY_SEED = 2017
DEMO_PROVINCE = ("zhejiang", "浙江省总工会", "330000")
DEMO_CITY = ("quzhou", "衢州市总工会", "330800")
DEMO_COUNTIES = [
    ("kecheng", "柯城区总工会", "330802"),
    ("qujiang", "衢江区总工会", "330803"),
    ("changshan", "常山县总工会", "330822"),
    ("kaihua", "开化县总工会", "330824"),
    ("longyou", "龙游县总工会", "330825"),
    ("jiangshan", "江山市总工会", "330881"),
]
# The province's second city. `make smoke` adds a city of its own (wenzhou), outside the province.
DEMO_OTHER_CITY = ("lishui", "丽水市总工会", "331100")
DEMO_OTHER_COUNTIES = [
    ("liandu", "莲都区总工会", "331102"),
    ("qingtian", "青田县总工会", "331121"),
]


def demo_domain(code: str) -> str:
    return f"{code}.{settings.UNION_BASE_DOMAIN}"


def _demo_union(code: str, name: str, region: str, level: str, parent: str | None) -> Union:
    union = Union.objects.filter(code=code).first()
    if union is None:
        union = union_create(
            code=code, name=name, level=level, region_code=region, domain=demo_domain(code), parent_code=parent
        )
    for role in (Role.ADMIN, Role.STAFF):
        username = f"{code}-{role}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=f"{name}{'管理员' if role == Role.ADMIN else '工作人员'}")
            user.set_password(DEMO_PASSWORD)
            user.save()
        membership_grant(user=user, union=union, role=role)
    return union


def _attach(union: Union, parent: Union) -> None:
    """Put a city made before the province existed (a demo database from before) under the province."""
    if union.parent_id is None:
        union.parent = parent
        union.save(update_fields=["parent"])


def _demo_city(city: tuple, counties: list[tuple], province: Union) -> list[Union]:
    code, name, region = city
    union = _demo_union(code, name, region, UnionLevel.CITY, province.code)
    _attach(union, province)
    return [union] + [_demo_union(c, n, r, UnionLevel.COUNTY, code) for c, n, r in counties]


@transaction.atomic
def demo_provision() -> list[Union]:
    """Create (or find) the demo unions and logins, 衢州 first. Safe to run again: it reuses what exists.
    The province holds no events of its own here: it watches its cities and counties."""
    province = _demo_union(*DEMO_PROVINCE, UnionLevel.PROVINCE, None)
    unions = _demo_city(DEMO_CITY, DEMO_COUNTIES, province)
    unions.append(province)
    unions += _demo_city(DEMO_OTHER_CITY, DEMO_OTHER_COUNTIES, province)
    for union in unions:
        if not union.is_province:
            # Only 衢州 carries the seed account's own events; 丽水 gets ordinary months.
            examples = union.code == DEMO_CITY[0]
            demo_history_load(union=union, seed=DEMO_HISTORY_SEED, account_examples=examples)
    # 10万职工安康行 (2017): 衢州 and its counties
    demo_campaign_load(city=unions[0], unions=unions[: 1 + len(DEMO_COUNTIES)])
    return unions
