"""Included at the root of /api/v1/ (config/api_urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("city/rankings/", api.RankingsView.as_view(), name="city-rankings"),
    path("city/assessment/schemes/<int:year>/", api.SchemeView.as_view(), name="assessment-scheme"),
    path("city/assessment/scores/", api.ScoresView.as_view(), name="assessment-scores"),
    path("city/assessment/adjustments/", api.AdjustmentListView.as_view(), name="assessment-adjustments"),
    path("city/assessment/publications/", api.PublicationListView.as_view(), name="assessment-publications"),
    path("city/assessment/publish/", api.PublishView.as_view(), name="assessment-publish"),
    path("city/assessment/reopen/", api.ReopenView.as_view(), name="assessment-reopen"),
    path("city/assessment/exports/", api.ExportListView.as_view(), name="assessment-exports"),
    path("city/assessment/exports/<int:pk>/", api.ExportDetailView.as_view(), name="assessment-export-detail"),
    path(
        "city/assessment/exports/<int:pk>/download/",
        api.ExportDownloadView.as_view(),
        name="assessment-export-download",
    ),
    path("assessment/mine/", api.MineView.as_view(), name="assessment-mine"),
]
