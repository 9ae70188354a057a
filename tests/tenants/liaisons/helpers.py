"""Data for the liaison tests, made through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from shared.catalogues.models import Department
from tenants.cases.services import case_raise, case_refer
from tenants.liaisons.services import liaison_create, link_current, link_token


def departments() -> tuple[Department, Department]:
    first, second = Department.objects.order_by("pk")[:2]
    return first, second


def liaison(department, *, name="王联络", phone="13900001111", email="wang@dept.example.cn"):
    return liaison_create(department=department, name=name, phone=phone, email=email)


def referred(department, *, title="工资拖欠三个月", deadline=None, actor=None, raised_on=None):
    raised_on = raised_on or timezone.localdate() - datetime.timedelta(days=30)
    case = case_raise(actor=actor, kind="request", title=title, source="hotline", raised_on=raised_on)
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=10)
    return case_refer(case=case, actor=actor, department=department, deadline=deadline, note="请核实并答复")


def token_for(person) -> str:
    return link_token(link=link_current(liaison=person))
