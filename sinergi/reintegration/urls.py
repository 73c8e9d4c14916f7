from django.urls import path

from sinergi.reintegration import views

app_name = "reintegration"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("export/", views.worklist_export, name="worklist_export"),
    path("inmates/<int:inmate_pk>/", views.plan, name="plan"),
    path("inmates/<int:inmate_pk>/consents/", views.consent_create, name="consent_create"),
    path("inmates/<int:inmate_pk>/referrals/", views.referral_create, name="referral_create"),
    path("needs/<int:pk>/", views.need_update, name="need_update"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<int:pk>/form.pdf", views.consent_form_pdf, name="consent_form"),
    path("consents/<int:pk>/signed/", views.consent_signed, name="consent_signed"),
    path("consents/<int:pk>/signed/file/", views.consent_signed_file, name="consent_file"),
    path("inmates/<int:inmate_pk>/release/", views.release, name="release"),
    path("inmates/<int:inmate_pk>/handover.pdf", views.handover_pdf, name="handover_pdf"),
    path(
        "inmates/<int:inmate_pk>/handover/acknowledge/",
        views.handover_acknowledge,
        name="handover_acknowledge",
    ),
    path("handovers/", views.handovers, name="handovers"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up, name="follow_up"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("people/<int:pk>/jobs/", views.person_jobs, name="person_jobs"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/status/", views.referral_transition, name="referral_transition"),
]
