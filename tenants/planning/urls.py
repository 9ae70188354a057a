from django.urls import path

from .api import (
    PlanAdjustmentListView,
    PlanItemAdjustmentListView,
    PlanItemDetailView,
    PlanItemListCreateView,
    SuggestionListCreateView,
    TopicRankingView,
)

urlpatterns = [
    path("suggestions/", SuggestionListCreateView.as_view(), name="planning-suggestion-list"),
    path("topics/ranked/", TopicRankingView.as_view(), name="planning-topic-ranking"),
    path("plan/", PlanItemListCreateView.as_view(), name="planning-plan-list"),
    path("plan/<int:pk>/", PlanItemDetailView.as_view(), name="planning-plan-detail"),
    path("plan/<int:pk>/adjustments/", PlanItemAdjustmentListView.as_view(), name="planning-plan-adjustments"),
    path("adjustments/", PlanAdjustmentListView.as_view(), name="planning-adjustment-list"),
]
