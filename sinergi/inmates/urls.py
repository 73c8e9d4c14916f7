from django.urls import path

from sinergi.inmates import overdue_views, score_sheet, views

app_name = "inmates"
urlpatterns = [
    path("", views.inmate_list, name="list"),
    path("new/", views.inmate_create, name="create"),
    path("wali/", views.wali_bulk, name="wali_bulk"),
    path("rights/", views.rights_worklist, name="rights"),
    path("scores/", score_sheet.score_sheet, name="score_sheet"),
    path("rights/export.xlsx", views.rights_export, name="rights_export"),
    path("overdue-releases/", overdue_views.overdue_release_list, name="overdue_releases"),
    path("releases-today/", overdue_views.releases_today, name="releases_today"),
    path("recalculations/", views.recalculation_list, name="recalculations"),
    path("recalculations/<int:pk>/", views.recalculation_detail, name="recalculation"),
    path("import/", views.import_start, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/errors.csv", views.import_errors_csv, name="import_errors"),
    path("import/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("import/<int:pk>/import/", views.import_checked, name="import_checked"),
    path("<int:pk>/", views.inmate_detail, name="detail"),
    path("<int:pk>/edit/", views.inmate_edit, name="edit"),
    path("<int:pk>/sentence/", views.sentence_edit, name="sentence_edit"),
    path("<int:pk>/remissions/new/", views.remission_create, name="remission_create"),
    path("<int:pk>/register-f/new/", views.disciplinary_create, name="disciplinary_create"),
    path("<int:pk>/register-f/<int:record_pk>/", views.disciplinary_edit, name="disciplinary_edit"),
    path("<int:pk>/detention/new/", views.detention_create, name="detention_create"),
    path("<int:pk>/detention/<int:period_pk>/", views.detention_edit, name="detention_edit"),
    path(
        "<int:pk>/detention/<int:period_pk>/delete/",
        views.detention_delete,
        name="detention_delete",
    ),
    path("<int:pk>/consecutive/new/", views.consecutive_create, name="consecutive_create"),
    path("<int:pk>/consecutive/<int:record_pk>/", views.consecutive_edit, name="consecutive_edit"),
    path(
        "<int:pk>/consecutive/<int:record_pk>/delete/",
        views.consecutive_delete,
        name="consecutive_delete",
    ),
    path("<int:pk>/assessments/new/", views.assessment_create, name="assessment_create"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/wali/", views.wali_assign, name="wali"),
]
