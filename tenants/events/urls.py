from rest_framework.routers import SimpleRouter

from .api import EventViewSet

router = SimpleRouter()
router.register("", EventViewSet, basename="event")

urlpatterns = router.urls
