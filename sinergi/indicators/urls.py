from django.urls import include, path

from sinergi.indicators import record_views, revision_views, views

app_name = "indicators"
urlpatterns = [
    path("", views.index, name="index"),
    path("facility/<int:pk>/", views.facility_dashboard, name="facility"),
    path("region/<int:pk>/", views.region_dashboard, name="region"),
    path("partner/<int:pk>/", views.partner_dashboard, name="partner"),
    path("national/", views.national_dashboard, name="national"),
    path("revisions/", revision_views.revision_list, name="revisions"),
    path("catalogue/", views.catalogue_page, name="catalogue"),
    path("<str:indicator_id>/records/", record_views.indicator_records, name="records"),
    path("reports/", include("sinergi.indicators.report_urls")),
]
