"""factory_boy factories for events and cases. They create through the services, so every object in a
test went through the same rules as in production (numbers from the counter, transitions recorded)."""

from __future__ import annotations

import datetime
import itertools

import factory

from shared.catalogues.models import Department, Topic
from tenants.cases.models import Case
from tenants.cases.services import case_raise
from tenants.enterprises.models import Enterprise
from tenants.events.models import Event, VenueKind
from tenants.events.services import event_create, event_record_held

_codes = itertools.count(1)


def topic(name: str = "防欠薪") -> Topic:
    return Topic.objects.get(name=name)


def department(name: str = "人力社保局") -> Department:
    return Department.objects.get(name=name)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")


class EventFactory(factory.Factory):
    class Meta:
        model = Event

    actor = None
    title = factory.Sequence(lambda n: f"工情直通车主题{n}")
    planned_date = datetime.date(2026, 3, 15)
    venue_kind = VenueKind.ENTERPRISE
    venue_name = "测试园区"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return event_create(**kwargs)


def held_event(*, held_date=datetime.date(2026, 3, 15), **kwargs) -> Event:
    event = EventFactory(**kwargs)
    return event_record_held(event=event, actor=None, held_date=held_date, worker_attendance=100)


class CaseFactory(factory.Factory):
    class Meta:
        model = Case

    actor = None
    kind = "request"
    title = factory.Sequence(lambda n: f"职工诉求{n}")
    source = "hotline"
    submitter_name = "张三"
    submitter_phone = "13812341234"
    raised_on = datetime.date(2026, 3, 15)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return case_raise(**kwargs)
