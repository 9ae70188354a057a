"""URLs served on the bare base domain (the public schema): where each union is, the superusers' admin and a
health check."""

from django.contrib import admin
from django.urls import path

from config.health import healthz
from web.views import platform
from web.views.public import public_index_view

urlpatterns = [
    path("", public_index_view, name="public-index"),
    path("admin/", admin.site.urls),
    # The platform's superusers: unions, their first administrators, archive/restore/delete.
    path("unions/", platform.platform_unions_view, name="platform-unions"),
    path("unions/new/", platform.platform_union_create_view, name="platform-union-create"),
    path("unions/import/", platform.platform_union_import_view, name="platform-union-import"),
    path(
        "unions/import/template/",
        platform.platform_union_import_template_view,
        name="platform-union-import-template",
    ),
    path("unions/<slug:code>/archive/", platform.platform_union_archive_view, name="platform-union-archive"),
    path("unions/<slug:code>/restore/", platform.platform_union_restore_view, name="platform-union-restore"),
    path("unions/<slug:code>/delete/", platform.platform_union_delete_view, name="platform-union-delete"),
    path("healthz", healthz, name="healthz"),
]
