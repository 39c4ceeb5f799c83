from django.urls import path

from . import views

urlpatterns = [
    path("reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/hotline/", views.HotlineCreateView.as_view(), name="report_hotline"),
    path("reports/mine/", views.MyReportListView.as_view(), name="report_mine"),
    path("reports/mine/<int:pk>/", views.MyReportDetailView.as_view(), name="report_detail"),
    path("reports/received/", views.InboxView.as_view(), name="report_inbox"),
    path("reports/received/<int:pk>/", views.ReceivedReportView.as_view(), name="report_received"),
    path("reports/received/<int:pk>/accept/", views.AcceptView.as_view(), name="report_accept"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/figures/", views.FiguresView.as_view(), name="case_figures"),
    path("cases/review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/assess/", views.AssessView.as_view(), name="case_assess"),
    path("cases/<int:pk>/conference/", views.ConferenceView.as_view(), name="case_conference"),
    path("cases/<int:pk>/intervention/", views.InterventionView.as_view(), name="case_intervention"),
    path("cases/<int:pk>/intervention/<int:intervention>/document/", views.InterventionDocumentView.as_view(), name="case_document"),
    path("cases/<int:pk>/placement/", views.PlacementView.as_view(), name="case_placement"),
    path("cases/<int:pk>/referral/", views.ReferralView.as_view(), name="case_referral"),
    path("cases/<int:pk>/referral/<int:referral>/", views.ReferralUpdateView.as_view(), name="case_referral_update"),
    path("cases/<int:pk>/followup/", views.FollowUpView.as_view(), name="case_followup"),
    path("cases/<int:pk>/members/", views.MemberAddView.as_view(), name="case_member_add"),
    path("cases/<int:pk>/child/", views.LinkChildView.as_view(), name="case_link_child"),
    path("cases/<int:pk>/close/", views.CloseRequestView.as_view(), name="case_close_request"),
    path("cases/<int:pk>/close/approve/", views.CloseApproveView.as_view(), name="case_close_approve"),
    path("cases/<int:pk>/reopen/", views.ReopenView.as_view(), name="case_reopen"),
    path("cases/<int:pk>/review/", views.ReviewView.as_view(), name="case_review"),
]
