import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Enterprise, HarmonyLevel


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
        from .selectors import enterprise_search

        return enterprise_search(queryset=queryset, term=value)
