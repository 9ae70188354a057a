from rest_framework.routers import SimpleRouter

from .api import LiaisonLinkViewSet, LiaisonViewSet

router = SimpleRouter(use_regex_path=False)
router.register("links", LiaisonLinkViewSet, basename="liaison-link")
router.register("", LiaisonViewSet, basename="liaison")

urlpatterns = router.urls
