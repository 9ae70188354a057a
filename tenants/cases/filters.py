import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shared.catalogues.models import Department, Topic
from tenants.events.models import Event

from .models import Case, CaseKind, CaseStatus


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label=_("status"))
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, label=_("kind"))
    topic = django_filters.ModelChoiceFilter(queryset=Topic.objects.all(), label=_("topic"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))
    event = django_filters.ModelChoiceFilter(queryset=Event.objects.all(), label=_("event"))
    overdue = django_filters.BooleanFilter(field_name="is_overdue", label=_("overdue"))
    date_from = django_filters.DateFilter(field_name="raised_on", lookup_expr="gte", label=_("raised from"))
    date_to = django_filters.DateFilter(field_name="raised_on", lookup_expr="lte", label=_("raised until"))
    q = django_filters.CharFilter(method="search", max_length=100, label=_("keyword"))

    class Meta:
        model = Case
        fields = ["status", "kind", "topic", "department", "event", "overdue", "date_from", "date_to", "q"]

    def search(self, queryset, name, value):
        """Keyword search over the title, the description, the submitter, the enterprise's name and (exactly)
        the receipt code a worker quotes."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(submitter_name__icontains=value)
            | Q(submitter_phone__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(receipt_code=value.upper())
        )
