"""Serializers every area uses."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .years import MAX_YEAR, MIN_YEAR


class YearSerializer(serializers.Serializer):
    """A calendar year, required (``?year=2024`` or ``{"year": 2024}``)."""

    year = serializers.IntegerField(label=_("year"), min_value=MIN_YEAR, max_value=MAX_YEAR)


class OptionalYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(label=_("year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)


def validated(serializer_class: type[serializers.Serializer], data, *, partial: bool = False) -> dict:
    """The validated input of an API action, or a 400 with the field errors."""
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (shared.core.exceptions), for the OpenAPI document."""

    error = ErrorDetailSerializer()
