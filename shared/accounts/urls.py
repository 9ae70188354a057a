"""Included at the root of /api/v1/ (config/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from .api import AccountViewSet, MemberViewSet

router = SimpleRouter(use_regex_path=False)
router.register("members", MemberViewSet, basename="member")
router.register("", AccountViewSet, basename="account")

urlpatterns = router.urls
