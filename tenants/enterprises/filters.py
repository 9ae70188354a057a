"""The enterprise list's filters. The selector applies them; nothing here reads back from the selectors, so the
two modules import one way only (selectors -> filters)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Enterprise, HarmonyLevel
from .validators import normalize_credit_code


class EnterpriseFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("Name or unified social credit code"))
    industry = django_filters.CharFilter(lookup_expr="icontains")
    town = django_filters.CharFilter(lookup_expr="icontains")
    union_established = django_filters.BooleanFilter()
    harmony_level = django_filters.ChoiceFilter(choices=HarmonyLevel.choices)

    class Meta:
        model = Enterprise
        fields = ["search", "industry", "town", "union_established", "harmony_level"]

    def filter_search(self, queryset, name, value):
        """Part of the name, or part of the credit code written in any case or spacing."""
        term = (value or "").strip()
        if not term:
            return queryset
        return queryset.filter(Q(name__icontains=term) | Q(credit_code__contains=normalize_credit_code(term)))
