from django.urls import path

from . import views

urlpatterns = [
    path("workforce/", views.PersonListView.as_view(), name="workforce_people"),
    path("workforce/new/", views.PersonCreateView.as_view(), name="workforce_person_create"),
    path("workforce/<int:pk>/", views.PersonDetailView.as_view(), name="workforce_person"),
    path("workforce/<int:pk>/edit/", views.PersonEditView.as_view(), name="workforce_person_edit"),
    path("workforce/<int:pk>/leave/", views.PersonLeaveView.as_view(), name="workforce_person_leave"),
    path("workforce/<int:pk>/handover/", views.HandoverView.as_view(), name="workforce_handover"),
    path("workforce/<int:pk>/checks/new/", views.CheckCreateView.as_view(), name="workforce_check_create"),
    path("workforce/coverage/", views.CoverageView.as_view(), name="workforce_coverage"),
    path("workforce/coverage/<str:code>/", views.CoverageRegionView.as_view(), name="workforce_coverage_region"),
    path("workforce/training/", views.TrainingView.as_view(), name="workforce_training"),
    path("workforce/courses/", views.CourseListView.as_view(), name="workforce_courses"),
    path("workforce/courses/new/", views.CourseCreateView.as_view(), name="workforce_course_create"),
    path("workforce/courses/<int:pk>/", views.CourseDetailView.as_view(), name="workforce_course"),
    path("workforce/courses/<int:pk>/edit/", views.CourseEditView.as_view(), name="workforce_course_edit"),
    path("workforce/courses/<int:pk>/attendance/", views.AttendanceView.as_view(), name="workforce_attendance"),
]
