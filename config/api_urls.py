"""The union-host API under /api/v1/. Each domain app adds its own routes here."""

from django.urls import include, path

from shared.accounts.api import MemberDetailView, MemberListView, MeView, TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("members/", MemberListView.as_view(), name="member-list"),
    path("members/<int:member_id>/", MemberDetailView.as_view(), name="member-detail"),
    path("enterprises/", include("tenants.enterprises.urls")),
    path("planning/", include("tenants.planning.urls")),
    path("catalogues/", include("shared.catalogues.urls")),
    path("", include("oversight.assessment.urls")),  # city/rankings/, city/assessment/…, assessment/mine/
    path("", include("oversight.rollup.urls")),  # city/compliance/, city/unions/<code>/…, notices/
    path("events/", include("tenants.events.urls")),
    path("cases/", include("tenants.cases.urls")),
    path("stats/", include("tenants.stats.urls")),
]
