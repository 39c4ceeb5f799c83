from importlib import import_module

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

class APIRoot(DefaultRouter.APIRootView):
    capability_optional = True
    unscoped_reason = "the list of endpoint URLs: no data"


class SchemaView(SpectacularAPIView):
    capability_optional = True
    unscoped_reason = "the OpenAPI schema: no data"


class DocsView(SpectacularSwaggerView):
    capability_optional = True
    unscoped_reason = "the API documentation page: no data"


router = DefaultRouter()
router.APIRootView = APIRoot
router.register("regions", views.RegionViewSet, basename="region")
router.register("jobs", views.JobViewSet, basename="job")
router.register("audit", views.AuditEntryViewSet, basename="audit")

# Each domain app registers its own viewsets in its `api.py` (`def register(router)`).
for _config in apps.get_app_configs():
    if _config.name.startswith("tonghu.") and _config.name != "tonghu.api":
        try:
            _module = import_module(f"{_config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{_config.name}.api":
                raise
            continue
        _module.register(router)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/me/", views.MeView.as_view(), name="api-me"),
    path("v1/token/", views.obtain_token, name="api-token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="schema"), name="swagger-ui"),
]
