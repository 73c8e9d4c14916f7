from django.urls import path

from sinergi.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("sessions/mine/", views.my_sessions, name="my_sessions"),
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/<int:pk>/remove/", views.holiday_remove, name="holiday_remove"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/restore/", views.session_restore, name="session_restore"),
    path("sessions/<int:pk>/sheet.pdf", views.session_sheet, name="session_sheet"),
    path("enrollments/<int:pk>/", views.enrollment_detail, name="enrollment"),
    path("enrollments/<int:pk>/end/", views.enrollment_end, name="enrollment_end"),
    path("enrollments/<int:pk>/certificate/", views.certificate_issue, name="certificate_issue"),
    path(
        "enrollments/<int:pk>/complete-early/",
        views.enrollment_complete_early,
        name="enrollment_complete_early",
    ),
    path(
        "enrollments/<int:pk>/competency-certification/",
        views.enrollment_competency_certification,
        name="enrollment_competency_certification",
    ),
    path("waiting/<int:pk>/", views.waiting_decide, name="waiting_decide"),
    path("certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("inmates/<int:inmate_pk>/record.pdf", views.development_record, name="record_pdf"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/edit/", views.program_edit, name="edit"),
    path("<int:pk>/status/", views.program_transition, name="transition"),
    path("<int:pk>/candidates/", views.candidates, name="candidates"),
    path("<int:pk>/enroll/", views.enroll, name="enroll"),
    path("<int:pk>/enrol-many/", views.enrol_many, name="enrol_many"),
    path("<int:pk>/sessions/", views.program_sessions, name="sessions"),
    path("<int:pk>/sessions/new/", views.session_add, name="session_add"),
]
