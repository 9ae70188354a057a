from rest_framework.routers import SimpleRouter

from .api import StatsViewSet

router = SimpleRouter(use_regex_path=False)
router.register("", StatsViewSet, basename="stats")

urlpatterns = router.urls
