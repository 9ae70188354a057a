"""The union-host API under /api/v1/. Each domain app adds its own routes here."""

from django.urls import include, path

urlpatterns = [
    path("", include("shared.accounts.urls")),  # auth/token/, me/, members/
    path("enterprises/", include("tenants.enterprises.urls")),
    path("planning/", include("tenants.planning.urls")),
    path("catalogues/", include("shared.catalogues.urls")),
    path("", include("oversight.assessment.urls")),  # city/rankings/, city/assessment/…, assessment/mine/
    path("", include("oversight.rollup.urls")),  # city/compliance/, city/unions/<code>/…, notices/
    path("events/", include("tenants.events.urls")),
    path("cases/", include("tenants.cases.urls")),
    path("liaisons/", include("tenants.liaisons.urls")),
    path("attachments/", include("tenants.attachments.urls")),
    path("campaigns/", include("oversight.campaigns.urls")),
    path("", include("tenants.stats.urls")),  # stats/
]
