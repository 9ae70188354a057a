from django.urls import path

from .api import DEPARTMENT_VIEWS, TOPIC_VIEWS

urlpatterns = []
for kind, views in (("topics", TOPIC_VIEWS), ("departments", DEPARTMENT_VIEWS)):
    singular = kind[:-1]
    urlpatterns += [
        path(f"{kind}/", views["list"], name=f"catalogue-{singular}-list"),
        path(f"{kind}/<int:pk>/", views["detail"], name=f"catalogue-{singular}-detail"),
        path(f"{kind}/<int:pk>/deactivate/", views["deactivate"], name=f"catalogue-{singular}-deactivate"),
        path(f"{kind}/<int:pk>/activate/", views["activate"], name=f"catalogue-{singular}-activate"),
    ]
