from rest_framework.routers import SimpleRouter

from .api import PlanAdjustmentViewSet, PlanItemViewSet, SuggestionViewSet, TopicViewSet

router = SimpleRouter(use_regex_path=False)
router.register("suggestions", SuggestionViewSet, basename="planning-suggestion")
router.register("topics", TopicViewSet, basename="planning-topic")
router.register("plan", PlanItemViewSet, basename="planning-plan")
router.register("adjustments", PlanAdjustmentViewSet, basename="planning-adjustment")

urlpatterns = router.urls
