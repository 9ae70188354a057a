from rest_framework.routers import SimpleRouter

from .api import CampaignViewSet

router = SimpleRouter()
router.register("", CampaignViewSet, basename="campaign")

urlpatterns = router.urls
