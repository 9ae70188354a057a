from rest_framework.routers import SimpleRouter

from .api import DepartmentViewSet, TopicViewSet

router = SimpleRouter(use_regex_path=False)
router.register("topics", TopicViewSet, basename="catalogue-topic")
router.register("departments", DepartmentViewSet, basename="catalogue-department")

urlpatterns = router.urls
