"""Included at the root of /api/v1/ (config/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(use_regex_path=False)
router.register("city", api.RankingViewSet, basename="city-ranking")  # city/rankings/
router.register("city/assessment/schemes", api.SchemeViewSet, basename="assessment-scheme")
router.register("city/assessment/adjustments", api.AdjustmentViewSet, basename="assessment-adjustment")
router.register("city/assessment/exports", api.ExportViewSet, basename="assessment-export")
router.register("city/assessment", api.AssessmentViewSet, basename="assessment")
router.register("assessment", api.MineViewSet, basename="assessment-own")  # assessment/mine/

urlpatterns = router.urls
