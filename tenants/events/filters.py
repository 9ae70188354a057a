import django_filters
from django.utils.translation import gettext_lazy as _

from shared.catalogues.models import Topic

from .models import Event, EventStatus


class EventFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, label=_("status"))
    topic = django_filters.ModelChoiceFilter(queryset=Topic.objects.all(), label=_("topic"))
    date_from = django_filters.DateFilter(field_name="planned_date", lookup_expr="gte", label=_("planned from"))
    date_to = django_filters.DateFilter(field_name="planned_date", lookup_expr="lte", label=_("planned until"))

    class Meta:
        model = Event
        fields = ["status", "topic", "date_from", "date_to"]
