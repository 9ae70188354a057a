from django.urls import path

from .api import StatsView

urlpatterns = [path("", StatsView.as_view(), name="stats")]
