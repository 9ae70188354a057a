from rest_framework.routers import SimpleRouter

from .api import CaseViewSet

router = SimpleRouter()
router.register("", CaseViewSet, basename="case")

urlpatterns = router.urls
