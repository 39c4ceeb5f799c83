from django.urls import path

from . import views

urlpatterns = [
    path("api/partner/v1/reports/", views.PartnerReportsView.as_view(), name="partner_reports"),
    path("api/partner/v1/reports/<str:ticket>/", views.PartnerReportsView.as_view(), name="partner_report"),
    path("exchange/partners/", views.PartnerListView.as_view(), name="exchange_partners"),
    path("exchange/partners/new/", views.PartnerCreateView.as_view(), name="exchange_partner_create"),
    path("exchange/partners/<int:pk>/", views.PartnerDetailView.as_view(), name="exchange_partner"),
    path("exchange/partners/<int:pk>/rotate/", views.PartnerRotateView.as_view(), name="exchange_partner_rotate"),
    path("exchange/deliveries/<int:pk>/replay/", views.DeliveryReplayView.as_view(), name="exchange_delivery_replay"),
]
