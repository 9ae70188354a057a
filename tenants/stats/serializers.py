from rest_framework import serializers

from .selectors import STAT_KEYS

StatsSerializer = type(
    "StatsSerializer",
    (serializers.Serializer,),
    {
        "year": serializers.IntegerField(),
        **{key: serializers.IntegerField() for key in STAT_KEYS},
        "events_held_by_month": serializers.ListField(child=serializers.IntegerField(), min_length=12, max_length=12),
        "cases_overdue_by_department": serializers.DictField(
            child=serializers.IntegerField(), help_text="Overdue cases by department id (departments with some)."
        ),
    },
)
