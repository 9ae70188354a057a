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


def free_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts."""

    def __init__(self, port: int | None = None):
        from aiosmtpd.controller import Controller

        self.envelopes: list = []
        self.controller = Controller(self, hostname="127.0.0.1", port=port or free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def texts(self) -> list[str]:
        import email
        from email import policy

        return [
            email.message_from_bytes(e.original_content, policy=policy.default).get_body().get_content()
            for e in self.envelopes
        ]
