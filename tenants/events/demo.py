"""A realistic 工情直通车 history for a demo union, from February 2017 until a few months ahead.

Shaped like the programme's own account: the city union holds an event almost every month (27 held by
mid-2019, reaching 2000+ enterprises and 10,000+ worker attendances, with 360+ problems solved on site),
county unions a few a year (from 2018 at least four). It contains the account's examples: the 2017-07
五水共治 大家谈, the 2018-03 关注肾脏病、关爱女职工 with the health commission, the on-site dispute mediation in
龙游县, the wage-arrears hearing at 柯城区人民法院 and the 10万职工安康行 traffic-safety campaign; cases of every
kind and status, referred ones with deadlines (some overdue), media reports and a few upcoming events.

Deterministic (random.Random seeded per union and event), idempotent (a union that already has events is
left alone) and quick (bulk inserts). Runs in the union's schema; demo use only.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.accounts.models import Membership, Role
from shared.catalogues.models import Department, Topic
from shared.unions.models import Union
from shared.unions.selectors import union_children
from tenants.cases.models import (
    FINISHED_STATUSES,
    Case,
    CaseKind,
    CaseSource,
    CaseStatus,
    CaseTransition,
    DisputeDetail,
)
from tenants.enterprises.models import Enterprise, HarmonyLevel
from tenants.enterprises.validators import CHARSET, credit_code_check_char
from tenants.liaisons.models import Liaison

from .models import Event, EventCounter, EventStatus, MediaReport, VenueKind
from .selectors import event_record_missing_parts

START = datetime.date(2017, 2, 1)
OUTLETS = ("工人日报", "浙江工人日报", "浙江法制报", "衢州日报")
PREP_FIELDS = Event.PREPARATION_FIELDS

TOWNS = {
    "quzhou": ["衢州经济开发区", "衢州高新技术产业园区", "衢州智造新城", "柯城区荷花街道", "衢江区樟潭街道"],
    "kecheng": ["荷花街道", "府山街道", "花园街道", "信安街道", "航埠镇", "石梁镇"],
    "qujiang": ["樟潭街道", "浮石街道", "廿里镇", "高家镇", "莲花镇"],
    "changshan": ["天马街道", "紫港街道", "辉埠镇", "球川镇", "芳村镇"],
    "kaihua": ["芹阳办事处", "华埠镇", "马金镇", "池淮镇"],
    "longyou": ["龙洲街道", "东华街道", "湖镇镇", "小南海镇", "詹家镇"],
    "jiangshan": ["虎山街道", "双塔街道", "清湖街道", "贺村镇", "峡口镇"],
}
DEFAULT_TOWNS = ["城东街道", "城西街道", "经济开发区", "工业园区"]
PLACE = {
    "quzhou": "衢州",
    "kecheng": "柯城",
    "qujiang": "衢江",
    "changshan": "常山",
    "kaihua": "开化",
    "longyou": "龙游",
    "jiangshan": "江山",
}
INDUSTRIES = [
    ("化工", "化工"),
    ("机械", "机械制造"),
    ("纺织", "纺织服装"),
    ("食品", "食品加工"),
    ("建材", "建材"),
    ("电子", "电子信息"),
    ("物流", "物流运输"),
    ("特种纸", "造纸"),
    ("新材料", "新材料"),
    ("汽配", "汽车零部件"),
    ("竹木", "竹木制品"),
    ("建设", "建筑施工"),
]
NAME_WORDS = list("华宏鑫盛恒泰源达丰瑞嘉利隆兴昌明远航晨光金石东方润信安康永宁佳和锦程天成")
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅志海燕玲斌")

# topic -> (themes, departments usually invited)
TOPICS = {
    "职工安全出行": (["安全出行进园区", "电动车安全骑行宣讲进企业", "交通安全“护航”职工上下班"], ["公安局(交警)"]),
    "工资集体协商": (["工资集体协商现场教学", "行业工资集体协商推进", "工资集体协商要约行动"], ["人力社保局"]),
    "弘扬工匠精神": (["弘扬工匠精神·技能比武进车间", "劳模工匠进企业"], ["人力社保局"]),
    "服务中心建设": (["职工服务中心建设现场会", "园区职工服务驿站开放日"], ["省总工会"]),
    "金秋助学": (["金秋助学·圆梦行动", "困难职工子女助学政策宣讲"], ["省总工会"]),
    "和谐企业创建": (["和谐劳动关系企业创建座谈", "和谐企业创建经验交流"], ["人力社保局", "市场监管局"]),
    "困难职工帮扶": (["困难职工帮扶政策进企业", "送温暖·解难题"], ["省总工会"]),
    "以案说法": (["以案说法·劳动合同纠纷案例解读", "以案说法·工伤认定典型案例"], ["法院", "律师协会"]),
    "满意食堂建设": (["职工满意食堂建设现场支招", "把满意食堂写进集体合同"], ["市场监管局"]),
    "农民工返乡": (["农民工返乡就业服务", "春风行动·农民工就业对接"], ["人力社保局"]),
    "营商环境建设": (["优化营商环境·企业职工座谈", "最多跑一次·工会服务进企业"], ["市场监管局", "市人大"]),
    "普法宣传": (["劳动法律法规普法宣传进企业", "法律服务进园区"], ["司法局", "律师协会"]),
    "防欠薪": (["无欠薪行动·根治欠薪宣讲", "农民工工资支付专项检查"], ["人力社保局", "法院"]),
    "劳动争议调解": (["劳动争议化解在基层", "劳动争议现场调解"], ["人力社保局", "司法局", "律师协会"]),
    "女职工关爱": (["女职工权益保护专场", "关爱女职工健康行"], ["卫健委"]),
    "生态环保(五水共治)": (["五水共治·职工献计献策", "美丽河湖·职工在行动"], ["应急管理局"]),
}
EXTRA_DEPARTMENTS = ["市人大", "市政协", "应急管理局", "律师协会"]

CONSULTATIONS = [
    "社保关系转移接续怎么办理",
    "加班工资如何计算",
    "年休假天数如何确定",
    "工伤认定需要哪些材料",
    "劳动合同到期不续签有无经济补偿",
    "女职工产假和哺乳假有多少天",
    "住房公积金提取条件",
    "电动车上牌和头盔政策",
    "外地职工子女入学政策",
    "技能等级证书如何申报",
    "试用期工资标准",
    "医保异地就医备案",
]
REQUESTS = [
    "企业拖欠两个月工资",
    "要求企业补缴社会保险",
    "食堂菜价偏高、品种单一",
    "厂区门口路段缺少红绿灯",
    "职工宿舍热水供应不足",
    "要求签订书面劳动合同",
    "工伤医疗费报销进度慢",
    "园区夜班通勤没有公交",
    "车间高温防暑措施不到位",
    "困难职工申请帮扶",
]
SUGGESTIONS = [
    "建议开通园区通勤公交",
    "建议增设职工书屋",
    "建议开展技能提升培训",
    "建议设立女职工休息室",
    "建议食堂延长夜班供餐时间",
    "建议园区增设电动车充电桩",
    "建议定期开展法律咨询",
]
DISPUTES = ["加班费争议", "解除劳动合同经济补偿争议", "拖欠工资争议", "工伤待遇争议", "年休假工资争议"]
ON_SITE_OUTCOMES = [
    "现场由部门业务骨干解答，职工表示清楚了",
    "现场协调企业负责人，当场承诺整改",
    "现场讲解政策并发放办事指南",
    "现场核实情况后当场办结",
    "律师现场释法，职工表示满意",
]
RESOLVED_OUTCOMES = [
    "经部门协调，企业已按要求整改到位",
    "拖欠工资已全部发放到职工手中",
    "已为职工补缴社会保险",
    "企业与职工协商一致，问题解决",
    "相关设施已增设，职工反映良好",
]
CLOSE_EXPLANATIONS = [
    "经核实不属于受理范围，已向职工说明并引导通过其他途径反映",
    "已引导职工申请劳动仲裁，工会提供法律援助",
    "诉求涉及政策调整，已向有关部门反映并向职工解释",
]
PROGRESS_NOTES = ["部门已约谈企业负责人", "已现场核实情况", "正在协调相关部门", "企业已制定整改方案"]
REOPEN_REASONS = ["回访时职工反映问题仍未解决", "企业整改不到位，职工再次反映"]


@dataclass
class _Plan:
    """One event to create, with what happened at it."""

    planned: datetime.date
    topic: str
    title: str
    venue_kind: str
    venue_name: str
    departments: list[str]
    invite_counties: bool = False
    invite: list[str] = field(default_factory=list)
    attendance: tuple[int, int] = (60, 200)
    linked: tuple[int, int] = (5, 15)
    unregistered: tuple[int, int] = (5, 20)
    on_site: tuple[int, int] = (3, 8)
    other_cases: tuple[int, int] = (2, 5)
    disputes: int = 0
    dispute_agreed: bool = False
    cancel_reason: str = ""
    media: list[str] = field(default_factory=list)
    media_chance: float = 0.25


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _months(start: datetime.date, end: datetime.date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _person(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.15:
        return "", ""  # anonymous
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    phone = rng.choice(("138", "139", "137", "159", "186", "158")) + f"{rng.randrange(10**8):08d}"
    return name, phone


def _enterprises(rng: random.Random, union: Union, count: int) -> list[Enterprise]:
    place = PLACE.get(union.code, union.name[:2])
    towns = TOWNS.get(union.code, DEFAULT_TOWNS)
    region = union.region_code if len(union.region_code) == 6 and union.region_code.isdigit() else "330800"
    names: set[str] = set()
    codes: set[str] = set()
    rows = []
    while len(rows) < count:
        short, industry = rng.choice(INDUSTRIES)
        name = f"{place}{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{short}有限公司"
        if rng.random() < 0.1:
            name = f"浙江{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{short}股份有限公司"
        if name in names:
            continue
        first17 = "91" + region + "".join(rng.choice(CHARSET) for _ in range(9))
        code = first17 + credit_code_check_char(first17)
        if code in codes:
            continue
        names.add(name)
        codes.add(code)
        rows.append(
            Enterprise(
                name=name,
                credit_code=code,
                industry=industry,
                town=rng.choice(towns),
                employees=rng.choice((30, 50, 80, 120, 200, 300, 500, 800, 1200)) + rng.randrange(30),
                union_established=rng.random() < 0.8,
                harmony_level=rng.choice(
                    [HarmonyLevel.NONE] * 5
                    + [HarmonyLevel.COUNTY] * 3
                    + [HarmonyLevel.CITY] * 2
                    + [HarmonyLevel.PROVINCE]
                ),
            )
        )
    return Enterprise.objects.bulk_create(rows)


def _generic(rng: random.Random, day: datetime.date, union: Union, *, city: bool) -> _Plan:
    topic = rng.choice(list(TOPICS))
    themes, departments = TOPICS[topic]
    towns = TOWNS.get(union.code, DEFAULT_TOWNS)
    kind = rng.choice([VenueKind.ENTERPRISE] * 3 + [VenueKind.PARK] * 2 + [VenueKind.TOWNSHIP] * 2)
    place = PLACE.get(union.code, "")
    venue = {
        VenueKind.ENTERPRISE: f"{place}{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{rng.choice(INDUSTRIES)[0]}有限公司",
        VenueKind.PARK: rng.choice([t for t in towns if "区" in t] or towns),
        VenueKind.TOWNSHIP: rng.choice(towns),
    }[kind]
    extra = [rng.choice(EXTRA_DEPARTMENTS)] if rng.random() < 0.4 else []
    return _Plan(
        planned=day,
        topic=topic,
        title=rng.choice(themes),
        venue_kind=kind,
        venue_name=venue,
        departments=list(dict.fromkeys(departments + extra)),
        invite_counties=city,
    )


def _city_specials() -> dict[tuple[int, int], _Plan]:
    """The examples of the programme's own account, by (year, month)."""
    return {
        (2017, 2): _Plan(
            datetime.date(2017, 2, 24), "普法宣传", "工情直通车首发：劳动法律服务进园区", VenueKind.PARK,
            "衢州经济开发区", ["人力社保局", "司法局", "律师协会"], media=["衢州日报"],
        ),
        (2017, 5): _Plan(
            datetime.date(2017, 5, 18), "职工安全出行", "“10万职工安康行”专项行动启动：电动车安全出行进园区",
            VenueKind.PARK, "衢州经济开发区", ["公安局(交警)", "应急管理局"], media=["浙江工人日报", "衢州日报"],
        ),
        (2017, 7): _Plan(
            datetime.date(2017, 7, 20), "生态环保(五水共治)", "建立剿灭劣V类水长效机制·大家谈", VenueKind.ENTERPRISE,
            "衢州市某化工企业", ["应急管理局", "市人大"], media=["衢州日报"],
        ),
        (2017, 11): _Plan(
            datetime.date(2017, 11, 16), "职工安全出行", "10万职工安康行·安全背心送到职工手中", VenueKind.PARK,
            "衢州高新技术产业园区", ["公安局(交警)"], media=["工人日报"],
        ),
        (2018, 3): _Plan(
            datetime.date(2018, 3, 8), "女职工关爱", "关注肾脏病，关爱女职工", VenueKind.ENTERPRISE,
            "衢州市某纺织企业", ["卫健委", "省总工会"], media=["浙江工人日报", "衢州日报"],
        ),
        (2018, 6): _Plan(
            datetime.date(2018, 6, 21), "满意食堂建设", "把满意食堂写进集体合同", VenueKind.ENTERPRISE,
            "衢州市某机械制造企业", ["市场监管局", "人力社保局"],
        ),
        (2018, 8): _Plan(
            datetime.date(2018, 8, 23), "劳动争议调解", "劳动争议化解在基层", VenueKind.ENTERPRISE,
            "龙游县某特种纸企业", ["人力社保局", "司法局", "律师协会"], invite=["longyou"], disputes=1,
            dispute_agreed=True, media=["浙江法制报", "衢州日报"],
        ),
        (2018, 12): _Plan(
            datetime.date(2018, 12, 13), "防欠薪", "无欠薪行动：走进柯城区人民法院观摩农民工欠薪案件庭审",
            VenueKind.COURT, "柯城区人民法院", ["法院", "人力社保局"], invite=["kecheng"], disputes=1,
            media=["浙江法制报", "工人日报"],
        ),
        (2019, 5): _Plan(
            datetime.date(2019, 5, 16), "工资集体协商", "工资集体协商现场教学：手把手教协商", VenueKind.ENTERPRISE,
            "市直某骨干企业", ["人力社保局", "省总工会"], media=["浙江工人日报"],
        ),
    }  # fmt: skip


def _city_plans(rng: random.Random, union: Union, until: datetime.date, account_examples: bool = True) -> list[_Plan]:
    specials = _city_specials() if account_examples else {}
    plans = []
    for year, month in _months(START, until):
        if (year, month) in specials:
            plan = specials[(year, month)]
        elif month == 2 and year > 2017:
            continue  # Spring Festival
        else:
            plan = _generic(rng, datetime.date(year, month, rng.randint(10, 26)), union, city=True)
        plan.invite_counties = True
        if plan.planned <= datetime.date(2019, 6, 30):
            # The account's figures by mid-2019: 27 events, 2000+ enterprises, 10,000+ attendances, 360+ on site.
            plan.attendance, plan.linked, plan.unregistered = (375, 460), (25, 40), (50, 70)
            plan.on_site, plan.other_cases = (14, 17), (3, 7)
        else:
            plan.attendance, plan.linked, plan.unregistered = (250, 420), (15, 35), (30, 60)
            plan.on_site, plan.other_cases = (8, 14), (3, 7)
        plan.media_chance = 0.4
        if (year, month) == (2020, 3):
            plan.cancel_reason = "新冠肺炎疫情防控，暂停聚集性活动"
        plans.append(plan)
    return plans


# The counties whose departments sometimes let a referred case run past its deadline.
OVERDUE_COUNTIES = frozenset({"qujiang"})


def _county_plans(rng: random.Random, union: Union, until: datetime.date) -> list[_Plan]:
    plans = []
    for year in range(2017, until.year + 1):
        months = sorted(rng.sample(range(7, 13), rng.randint(1, 2))) if year == 2017 else None
        if months is None:
            months = sorted(rng.sample([3, 4, 5, 6, 7, 8, 9, 10, 11, 12], rng.randint(4, 6)))
        for month in months:
            plan = _generic(rng, datetime.date(year, month, rng.randint(8, 26)), union, city=False)
            if year >= 2018 and len(months) > 4 and month == months[-2] and rng.random() < 0.2:
                plan.cancel_reason = rng.choice(["与防汛工作冲突，取消本期", "主要邀请部门临时有重大任务，本期取消"])
            plans.append(plan)
    if union.code == "longyou":  # the county's own part of the on-site dispute mediation
        plans.append(
            _Plan(
                datetime.date(2018, 8, 23), "劳动争议调解", "劳动争议现场调解进企业", VenueKind.ENTERPRISE,
                "龙游县某特种纸企业", ["人力社保局", "司法局"], disputes=2, dispute_agreed=True, media=["衢州日报"],
            )
        )  # fmt: skip
    if union.code == "kecheng":
        plans.append(
            _Plan(
                datetime.date(2018, 12, 13), "防欠薪", "以案说法：旁听农民工欠薪案件庭审", VenueKind.COURT,
                "柯城区人民法院", ["法院", "人力社保局"], disputes=1,
            )
        )  # fmt: skip
    plans.sort(key=lambda p: p.planned)
    return plans


TITLES = {
    CaseKind.CONSULTATION: CONSULTATIONS,
    CaseKind.REQUEST: REQUESTS,
    CaseKind.SUGGESTION: SUGGESTIONS,
    CaseKind.DISPUTE: DISPUTES,
}


def _case_kind(rng: random.Random, *, dispute: str, on_site: bool) -> str:
    kind = (
        CaseKind.DISPUTE
        if dispute
        else rng.choice([CaseKind.CONSULTATION] * 5 + [CaseKind.REQUEST] * 3 + [CaseKind.SUGGESTION] * 2)
    )
    return CaseKind.CONSULTATION if on_site and kind == CaseKind.SUGGESTION else kind


def _dispute_detail(rng: random.Random, *, enterprise: Enterprise | None, agreed: bool) -> DisputeDetail:
    claimed = Decimal(rng.randrange(3000, 60000, 100))
    return DisputeDetail(
        applicants="\n".join(_person(rng)[0] or "匿名职工" for _ in range(rng.randint(1, 3))),
        respondent=enterprise,
        respondent_name=enterprise.name if enterprise else "某企业",
        claimed_amount=claimed,
        agreed_amount=(claimed * Decimal("0.8")).quantize(Decimal("1")) if agreed else None,
        outcome="双方现场达成调解协议，企业当场支付" if agreed else "",
    )


class _History:
    """A case's transitions as it is built: (from, to, at, note), starting with the raise."""

    def __init__(self, raised_on: datetime.date):
        self.status = CaseStatus.RAISED
        self.steps = [("", CaseStatus.RAISED, _aware(raised_on, 10), "登记")]

    def move(self, to: str, day: datetime.date, hour: int, note: str) -> None:
        self.steps.append((self.status, to, _aware(day, hour), note))
        self.status = to


class _Builder:
    """Collects rows for bulk inserts and timestamps for the history."""

    def __init__(
        self, *, today: datetime.date, actors: list, departments: dict[str, Department], overdue_rate: float = 0.12
    ):
        self.today = today
        self.overdue_rate = overdue_rate
        self.actors = actors or [None]
        self.departments = departments
        self.cases: list[Case] = []
        self.disputes: list[tuple[Case, DisputeDetail]] = []
        self.steps: list[tuple[Case, list[tuple[str, str, datetime.datetime, str]]]] = []

    def case(
        self,
        rng: random.Random,
        *,
        event: Event | None,
        raised_on: datetime.date,
        topic: Topic | None,
        enterprises: list[Enterprise],
        on_site: bool,
        dispute: str = "",  # "", "open" or "agreed"
        handled: bool = True,
    ) -> None:
        kind = _case_kind(rng, dispute=dispute, on_site=on_site)
        name, phone = _person(rng)
        source = (
            (CaseSource.QR if rng.random() < 0.2 else CaseSource.EVENT)
            if event
            else rng.choice([CaseSource.HOTLINE, CaseSource.SURVEY])
        )
        enterprise = rng.choice(enterprises) if enterprises and rng.random() < 0.6 else None
        case = Case(
            event=event,
            source=source,
            kind=kind,
            title=rng.choice(TITLES[kind]),
            description="",
            submitter_name=name,
            submitter_phone=phone,
            enterprise=enterprise,
            topic=topic,
            raised_on=raised_on,
        )
        actor = rng.choice(self.actors)
        history = _History(raised_on)
        age = (self.today - raised_on).days
        if on_site and event is not None:
            case.outcome = rng.choice(ON_SITE_OUTCOMES)
            case.finished_on = raised_on
            history.move(CaseStatus.SOLVED_ON_SITE, raised_on, 11, case.outcome)
        elif not handled or (age <= 14 and rng.random() < 0.6):
            pass  # just raised, not yet handled
        elif kind == CaseKind.CONSULTATION and rng.random() < 0.5:
            case.outcome = "已电话答复"
            case.finished_on = min(raised_on + datetime.timedelta(days=rng.randint(1, 5)), self.today)
            history.move(CaseStatus.RESOLVED, case.finished_on, 15, case.outcome)
        else:
            self._refer(rng, case, history, age=age, dispute=dispute)
        self._rate(rng, case, history)
        case.status = history.status
        case.created_by = actor
        self.cases.append(case)
        self.steps.append((case, [(*step, actor) for step in history.steps]))
        if dispute:
            self.disputes.append((case, _dispute_detail(rng, enterprise=enterprise, agreed=dispute == "agreed")))

    def _refer(self, rng: random.Random, case: Case, history: _History, *, age: int, dispute: str) -> None:
        """Referred with a deadline; then in progress, overdue, or finished (sometimes late)."""
        department = self.departments.get(
            rng.choice(["人力社保局"] * 3 + ["市场监管局", "司法局", "法院", "公安局(交警)"])
        )
        if dispute:
            department = self.departments.get("人力社保局")
        raised_on = case.raised_on
        case.department = department
        case.deadline = raised_on + datetime.timedelta(days=rng.choice((15, 20, 30)))
        history.move(CaseStatus.REFERRED, raised_on, 16, f"转{department.name}办理" if department else "转办")
        roll = rng.random()
        overdue_allowed = age < 730
        if case.deadline >= self.today:
            if age > 5 and roll < 0.6:
                history.move(
                    CaseStatus.IN_PROGRESS, raised_on + datetime.timedelta(days=3), 10, rng.choice(PROGRESS_NOTES)
                )
        elif overdue_allowed and roll < self.overdue_rate:
            history.move(CaseStatus.IN_PROGRESS, raised_on + datetime.timedelta(days=5), 10, rng.choice(PROGRESS_NOTES))
        else:
            self._finish(rng, case, history, dispute=dispute)

    def _finish(self, rng: random.Random, case: Case, history: _History, *, dispute: str) -> None:
        """A referred case past its deadline that was resolved or closed, on time or (sometimes) late."""
        raised_on = case.raised_on
        if rng.random() < 0.5:
            history.move(CaseStatus.IN_PROGRESS, raised_on + datetime.timedelta(days=4), 10, rng.choice(PROGRESS_NOTES))
        late = rng.random() < 0.15
        span = (case.deadline - raised_on).days
        done = raised_on + datetime.timedelta(days=rng.randint(span + 2, span + 20) if late else rng.randint(5, span))
        done = min(done, self.today)
        if rng.random() < 0.15 and not dispute:
            case.outcome = rng.choice(CLOSE_EXPLANATIONS)
            history.move(CaseStatus.CLOSED, done, 15, case.outcome)
        else:
            case.outcome = rng.choice(RESOLVED_OUTCOMES)
            history.move(CaseStatus.RESOLVED, done, 15, case.outcome)
        case.finished_on = done

    def _rate(self, rng: random.Random, case: Case, history: _History) -> None:
        """Most finished cases get the submitter's satisfaction a few days later."""
        if history.status in FINISHED_STATUSES and rng.random() < 0.6:
            case.satisfaction = rng.choice((5, 5, 5, 4, 4, 3, 2))
            rated = min(case.finished_on + datetime.timedelta(days=3), self.today)
            history.steps.append((history.status, history.status, _aware(rated, 9), f"满意度：{case.satisfaction}"))

    def reopen_one(self, rng: random.Random) -> None:
        """One resolved case that was reopened, referred again and resolved again."""
        for case, steps in self.steps:
            if case.status == CaseStatus.RESOLVED and case.department and case.deadline and case.satisfaction is None:
                actor = steps[-1][4]
                again = case.finished_on + datetime.timedelta(days=7)
                if again + datetime.timedelta(days=20) >= self.today:
                    continue
                steps += [
                    (CaseStatus.RESOLVED, CaseStatus.RAISED, _aware(again, 9), rng.choice(REOPEN_REASONS), actor),
                    (CaseStatus.RAISED, CaseStatus.REFERRED, _aware(again, 14), "再次转办", actor),
                    (CaseStatus.REFERRED, CaseStatus.RESOLVED, _aware(again + datetime.timedelta(days=10), 15), "复查后已解决", actor),
                ]  # fmt: skip
                case.deadline = again + datetime.timedelta(days=15)
                case.finished_on = again + datetime.timedelta(days=10)
                case.outcome = "复查后已解决"
                return

    def save(self) -> tuple[int, int]:
        Case.objects.bulk_create(self.cases, batch_size=1000)
        for case, detail in self.disputes:
            detail.case = case
        DisputeDetail.objects.bulk_create([detail for _, detail in self.disputes], batch_size=1000)
        transitions = []
        for case, steps in self.steps:
            for from_status, to_status, at, note, actor in steps:
                transitions.append(
                    CaseTransition(
                        case=case, from_status=from_status, to_status=to_status, note=note, actor=actor, at=at
                    )
                )
        wanted = [t.at for t in transitions]
        CaseTransition.objects.bulk_create(transitions, batch_size=2000)
        # auto_now_add stamped "now" on insert; put the history back on its own dates.
        for transition, at in zip(transitions, wanted, strict=True):
            transition.at = at
        CaseTransition.objects.bulk_update(transitions, ["at"], batch_size=1000)
        for case, steps in self.steps:
            case.created_at = steps[0][2]
        Case.objects.bulk_update(self.cases, ["created_at"], batch_size=1000)
        return len(self.cases), len(transitions)


def _actors(union: Union) -> list:
    members = Membership.objects.filter(union=union, role__in=[Role.STAFF, Role.ADMIN]).select_related("user")
    return [m.user for m in members.order_by("id")]


def demo_history_load(
    *, union: Union, seed: int, today: datetime.date | None = None, account_examples: bool = True
) -> dict:
    """Load the demo history into `union`'s schema. Does nothing when the union already has events.
    `account_examples`: a city's history includes the seed account's own events (衢州's); a second demo city
    says False and gets ordinary months only. Returns what was created (counts)."""
    today = today or timezone.localdate()
    with schema_context(union.schema_name), transaction.atomic():
        if Event.objects.exists():
            return {"skipped": True}
        return _load(union=union, seed=seed, today=today, account_examples=account_examples)


def _event(plan: _Plan, number: int, erng: random.Random, *, held: bool, topics: dict) -> Event:
    """The event of one plan: cancelled, held (figures, preparation done) or upcoming (preparation under way)."""
    event = Event(
        number=number,
        title=plan.title,
        topic=topics.get(plan.topic),
        planned_date=plan.planned,
        venue_kind=plan.venue_kind,
        venue_name=plan.venue_name,
        summary="",
    )
    if plan.cancel_reason:
        event.status = EventStatus.CANCELLED
        event.cancel_reason = plan.cancel_reason
    elif held:
        event.status = EventStatus.HELD
        event.held_date = plan.planned
        event.worker_attendance = erng.randint(*plan.attendance)
        event.unregistered_enterprise_count = erng.randint(*plan.unregistered)
        for name in PREP_FIELDS:
            setattr(event, name, True)
    else:  # upcoming: preparation under way
        ticked = erng.randint(0, len(PREP_FIELDS))
        for name in PREP_FIELDS[:ticked]:
            setattr(event, name, True)
        event.status = EventStatus.PREPARED if ticked == len(PREP_FIELDS) else EventStatus.PLANNED
    return event


class _Links:
    """The rows around the events, collected for bulk inserts."""

    def __init__(self):
        self.departments, self.unions, self.enterprises, self.reports = [], [], [], []

    def plan(self, event: Event, plan: _Plan, *, departments: dict, counties: dict) -> None:
        """The partner departments and (for a city's demonstration events) the invited counties."""
        for name in plan.departments:
            if name in departments:
                self.departments.append(Event.departments.through(event=event, department=departments[name]))
        invited = list(counties.values()) if plan.invite_counties and counties else []
        invited += [counties[code] for code in plan.invite if code in counties and counties[code] not in invited]
        for other in invited:
            self.unions.append(Event.invited_unions.through(event=event, union=other))

    def save(self) -> None:
        Event.departments.through.objects.bulk_create(self.departments, batch_size=2000)
        Event.invited_unions.through.objects.bulk_create(self.unions, batch_size=2000)
        Event.enterprises.through.objects.bulk_create(self.enterprises, batch_size=5000)
        MediaReport.objects.bulk_create(self.reports)


def _held(event: Event, plan: _Plan, erng: random.Random, *, builder: _Builder, links: _Links, enterprises, today):
    """What a held event reached: enterprises, cases (on site and referred, disputes), summary, media."""
    reached = erng.sample(enterprises, min(erng.randint(*plan.linked), len(enterprises)))
    links.enterprises += [Event.enterprises.through(event=event, enterprise=firm) for firm in reached]
    on_site = erng.randint(*plan.on_site)
    others = erng.randint(*plan.other_cases)
    at_event = {"event": event, "raised_on": event.held_date, "topic": event.topic, "enterprises": reached}
    for _ in range(on_site):
        builder.case(erng, **at_event, on_site=True)
    for _ in range(others):
        builder.case(erng, **at_event, on_site=False)
    for _ in range(plan.disputes):  # mediated there and then when the parties agreed
        builder.case(erng, **at_event, on_site=plan.dispute_agreed, dispute="agreed" if plan.dispute_agreed else "open")
    if erng.random() < 0.08:
        builder.case(erng, **at_event, on_site=False, dispute="open")
    event.summary = (
        f"{event.worker_attendance}人次职工参加，走访企业{len(reached) + event.unregistered_enterprise_count}家，"
        f"收集问题{on_site + others}个，现场解决{on_site}个，其余转相关部门限期办理。"
    )
    outlets = list(plan.media) or ([erng.choice(OUTLETS)] if erng.random() < plan.media_chance else [])
    for outlet in outlets:
        links.reports.append(
            MediaReport(
                event=event,
                outlet=outlet,
                title=f"“工情直通车”开进{plan.venue_name}：{plan.title}",
                published_on=min(event.held_date + datetime.timedelta(days=erng.randint(1, 4)), today),
            )
        )


def _off_event_cases(rng: random.Random, builder: _Builder, *, union: Union, topics: dict, enterprises, today):
    """Problems that came in without an event: the hotline and the annual survey, a few a month."""
    for year, month in _months(START, today):
        for _ in range(rng.randint(0, 3 if union.is_city else 2)):
            day = datetime.date(year, month, rng.randint(1, 28))
            if day <= today:
                builder.case(rng, event=None, raised_on=day, topic=rng.choice(list(topics.values())), enterprises=enterprises, on_site=False)  # fmt: skip
    for days in (1, 2):  # just in from the hotline, nobody has looked at them yet
        builder.case(
            rng, event=None, raised_on=today - datetime.timedelta(days=days), topic=None, enterprises=enterprises,
            on_site=False, handled=False,
        )  # fmt: skip


def _stamp_records(events: list[Event], rng: random.Random, *, today: datetime.date, days: int) -> None:
    """The day each held event's record became complete: a few days after the event (now and then weeks,
    so the city sees some late records), never before its last case left "raised", never after today."""
    held = [e for e in events if e.status == EventStatus.HELD]
    first_left: dict[int, dict[int, datetime.datetime]] = {}
    leaving = CaseTransition.objects.filter(case__event__in=held, from_status=CaseStatus.RAISED).exclude(
        to_status=CaseStatus.RAISED
    )
    for event_id, case_id, at in leaving.values_list("case__event_id", "case_id", "at"):
        cases = first_left.setdefault(event_id, {})
        cases[case_id] = min(at, cases.get(case_id, at))
    stamped = []
    for event in held:
        if event_record_missing_parts(event=event):
            continue
        delay = rng.randint(0, days - 1) if rng.random() < 0.9 else rng.randint(days + 1, days + 20)
        completed = max(
            [event.held_date + datetime.timedelta(days=delay)]
            + [timezone.localdate(at) for at in first_left.get(event.pk, {}).values()]
        )
        if completed <= today:  # otherwise still being written up: pending
            event.record_completed_on = completed
            stamped.append(event)
    Event.objects.bulk_update(stamped, ["record_completed_on"], batch_size=500)


def _load(*, union: Union, seed: int, today: datetime.date, account_examples: bool = True) -> dict:
    rng = random.Random(f"{seed}:{union.code}")
    topics = {t.name: t for t in Topic.objects.all()}
    departments = {d.name: d for d in Department.objects.all()}
    counties = {u.code: u for u in union_children(union=union)} if union.is_city else {}
    enterprises = _enterprises(rng, union, 700 if union.is_city else rng.randint(180, 260))

    # Up to three months ahead: the events after today are the upcoming ones.
    until = today + datetime.timedelta(days=90)
    if union.is_city:
        plans = _city_plans(rng, union, until, account_examples=account_examples)
    else:
        plans = _county_plans(rng, union, until)
    plans = [p for p in plans if p.planned <= until]

    events, extras = [], []
    for number, plan in enumerate(plans, start=1):
        erng = random.Random(f"{seed}:{union.code}:{number}")
        held = plan.planned <= today and not plan.cancel_reason
        events.append(_event(plan, number, erng, held=held, topics=topics))
        extras.append((plan, erng, held))
    Event.objects.bulk_create(events)
    EventCounter.objects.update_or_create(pk=1, defaults={"last_number": len(events)})

    links = _Links()
    # An overdue referred case makes a county not eligible for commendation (a veto item of the assessment):
    # like in real life, only a few counties carry one, so that most pass.
    overdue_rate = 0.12 if union.is_city or union.code in OVERDUE_COUNTIES else 0.0
    builder = _Builder(today=today, actors=_actors(union), departments=departments, overdue_rate=overdue_rate)
    for event, (plan, erng, held) in zip(events, extras, strict=True):
        links.plan(event, plan, departments=departments, counties=counties)
        if held:
            _held(event, plan, erng, builder=builder, links=links, enterprises=enterprises, today=today)
    _off_event_cases(rng, builder, union=union, topics=topics, enterprises=enterprises, today=today)
    builder.reopen_one(rng)

    Event.objects.bulk_update([e for e in events if e.summary], ["summary"], batch_size=500)
    links.save()
    cases, transitions = builder.save()
    _stamp_records(events, rng, today=today, days=union.record_days)
    liaisons = _liaisons(rng, union, departments)
    return {
        "skipped": False,
        "enterprises": len(enterprises),
        "events": len(events),
        "cases": cases,
        "transitions": transitions,
        "media_reports": len(links.reports),
        "liaisons": liaisons,
    }


# The departments that receive most referred cases, each with a liaison (made up; example.cn addresses).
DEMO_LIAISON_DEPARTMENTS = ("人力社保局", "市场监管局", "法院", "应急管理局")


def _liaisons(rng: random.Random, union: Union, departments: dict) -> int:
    """One liaison for each of the busiest departments. Bulk-created: the history loaded above is not
    referred again, so nobody is sent anything."""
    liaisons = []
    for number, name in enumerate(DEMO_LIAISON_DEPARTMENTS, start=1):
        if name in departments:
            person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2))
            phone = "139" + f"{rng.randrange(10**8):08d}"
            liaisons.append(
                Liaison(
                    department=departments[name], name=person, phone=phone,
                    email=f"liaison{number}.{union.code}@example.cn",
                )
            )  # fmt: skip
    Liaison.objects.bulk_create(liaisons)
    return len(liaisons)
