"""One error type for the whole application, turned into one JSON shape by the API.

Every error body looks like::

    {"error": {"code": "invalid", "message": "…", "fields": {"field": ["reason", …]}}}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApplicationError(Exception):
    """A rule of the domain was broken; the message is meant for the user."""

    def __init__(
        self,
        message,
        *,
        code: str = "invalid",
        fields: dict[str, list] | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.fields = fields or {}
        self.status = status

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: [str(reason) for reason in reasons] for name, reasons in self.fields.items()},
        }


class FieldErrors(dict):
    """Field errors gathered while checking input, then raised together: {field: [reason, …]}."""

    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self, message=None) -> None:
        if self:
            raise ApplicationError(message or _("Some fields are not valid."), fields=dict(self))


def application_error_from_validation(error: DjangoValidationError) -> ApplicationError:
    if hasattr(error, "error_dict"):
        fields = {name: [m for e in errors for m in e.messages] for name, errors in error.error_dict.items()}
        return ApplicationError(_("Some fields are not valid."), fields=fields)
    return ApplicationError("; ".join(error.messages))


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [f"{k}: {m}" for k, v in detail.items() for m in _flatten(v)]
    if isinstance(detail, list):
        return [m for item in detail for m in _flatten(item)]
    return [str(detail)]


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = application_error_from_validation(exc)
    if isinstance(exc, ApplicationError):
        return Response({"error": exc.as_dict()}, status=exc.status)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = {name: _flatten(reasons) for name, reasons in detail.items()}
        body = {"code": "invalid", "message": str(_("Some fields are not valid.")), "fields": fields}
    else:
        codes = exc.get_codes() if isinstance(exc, drf_exceptions.APIException) else "error"
        body = {
            "code": codes if isinstance(codes, str) else "error",
            "message": str(getattr(exc, "detail", exc)),
            "fields": {},
        }
    response.data = {"error": body}
    return response
