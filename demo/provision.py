"""Demo data: the city of 衢州 and its six county unions, with an admin and a staff login each.

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
DEMO_CITY = ("quzhou", "衢州市总工会", "330800")
DEMO_COUNTIES = [
    ("kecheng", "柯城区总工会", "330802"),
    ("qujiang", "衢江区总工会", "330803"),
    ("changshan", "常山县总工会", "330822"),
    ("kaihua", "开化县总工会", "330824"),
    ("longyou", "龙游县总工会", "330825"),
    ("jiangshan", "江山市总工会", "330881"),
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


@transaction.atomic
def demo_provision() -> list[Union]:
    """Create (or find) the demo unions and logins. Safe to run again: it reuses what exists."""
    city_code, city_name, city_region = DEMO_CITY
    unions = [_demo_union(city_code, city_name, city_region, UnionLevel.CITY, None)]
    for code, name, region in DEMO_COUNTIES:
        unions.append(_demo_union(code, name, region, UnionLevel.COUNTY, city_code))
    for union in unions:
        demo_history_load(union=union, seed=DEMO_HISTORY_SEED)
    demo_campaign_load(city=unions[0], unions=unions)  # 10万职工安康行 (2017)
    return unions
