from django.urls import path

from . import views

urlpatterns = [
    path("offline/", views.AppView.as_view(), name="sync_app"),
    path("offline/sw.js", views.ServiceWorkerView.as_view(), name="sync_sw"),
    path("offline/manifest.webmanifest", views.ManifestView.as_view(), name="sync_manifest"),
    path("offline/key/", views.KeyView.as_view(), name="sync_key"),
    path("offline/bundle/", views.BundleView.as_view(), name="sync_bundle"),
    path("offline/push/", views.PushView.as_view(), name="sync_push"),
]
