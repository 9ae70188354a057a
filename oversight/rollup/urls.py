from django.urls import path

from .api import ChildUnionCasesView, ChildUnionEventsView, ComplianceView, NoticeListView, NoticeReadView

urlpatterns = [
    path("city/compliance/", ComplianceView.as_view(), name="city-compliance"),
    path("city/unions/<slug:code>/events/", ChildUnionEventsView.as_view(), name="city-union-events"),
    path("city/unions/<slug:code>/cases/", ChildUnionCasesView.as_view(), name="city-union-cases"),
    path("notices/", NoticeListView.as_view(), name="notice-list"),
    path("notices/<int:pk>/read/", NoticeReadView.as_view(), name="notice-read"),
]
