from django.urls import path

from sinergi.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/status/", views.request_transition, name="request_transition"),
    path("requests/<int:pk>/comment/", views.request_comment, name="request_comment"),
    path("requests/<int:pk>/deliveries/new/", views.request_fulfil, name="request_fulfil"),
    path("deliveries/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/approve/", views.agreement_approve, name="agreement_approve"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement_document"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/documents/", views.meeting_attach, name="meeting_attach"),
    path("meetings/documents/<int:pk>/", views.meeting_attachment, name="meeting_attachment"),
    path("actions/<int:pk>/close/", views.action_close, name="action_close"),
    path("partners/<slug:code>/contribution/", views.contribution, name="contribution"),
    path(
        "partners/<slug:code>/contribution/<slug:records>/",
        views.contribution_records,
        name="contribution_records",
    ),
]
