"""URLs served on the bare base domain (the public schema): where each union is, the superusers' admin and a
health check."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import path

from web.views.public import public_index_view


def healthz(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", public_index_view, name="public-index"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
