"""URLs served on the bare base domain (the public schema): where each union is, the superusers' admin and a
health check."""

from django.contrib import admin
from django.urls import path

from config.health import healthz
from web.views.public import public_index_view

urlpatterns = [
    path("", public_index_view, name="public-index"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
