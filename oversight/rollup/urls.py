"""Included at the root of /api/v1/ (config/api_urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ChildUnionViewSet, CityViewSet, NoticeViewSet, ProvinceViewSet
from .api_record_days import RecordDaysView

router = SimpleRouter(use_regex_path=False)
router.register("city/unions", ChildUnionViewSet, basename="city-union")
router.register("city", CityViewSet, basename="city")  # also a province's: compliance and drill-down below it
router.register("province", ProvinceViewSet, basename="province")
router.register("notices", NoticeViewSet, basename="notice")

urlpatterns = [path("city/record-days/", RecordDaysView.as_view(), name="city-record-days"), *router.urls]
