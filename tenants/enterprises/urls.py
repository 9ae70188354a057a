from rest_framework.routers import SimpleRouter

from .api import EnterpriseViewSet

router = SimpleRouter(use_regex_path=False)
router.register("", EnterpriseViewSet, basename="enterprise")

urlpatterns = router.urls
