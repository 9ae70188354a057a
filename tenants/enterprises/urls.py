from django.urls import path

from .api import EnterpriseDetailView, EnterpriseImportView, EnterpriseListCreateView

urlpatterns = [
    path("", EnterpriseListCreateView.as_view(), name="enterprise-list"),
    path("import/", EnterpriseImportView.as_view(), name="enterprise-import"),
    path("<int:pk>/", EnterpriseDetailView.as_view(), name="enterprise-detail"),
]
