from django.urls import path

from sinergi.indicators import public, revision_views

app_name = "public"
urlpatterns = [
    path("", public.index, name="index"),
    path("region/<int:pk>/", public.region, name="region"),
    path("facility/<int:pk>/", public.facility, name="facility"),
    path("revisions/", revision_views.public_revision_list, name="revisions"),
    path("data.csv", public.open_data_csv, name="data_csv"),
    path("data.json", public.open_data_json, name="data_json"),
    path("definitions.csv", public.definitions_csv, name="definitions_csv"),
]
