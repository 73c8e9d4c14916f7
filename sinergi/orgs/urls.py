from django.urls import path

from sinergi.orgs import views

app_name = "orgs"
urlpatterns = [
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/<slug:code>/", views.facility_detail, name="facility_detail"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<slug:code>/", views.partner_detail, name="partner_detail"),
]
