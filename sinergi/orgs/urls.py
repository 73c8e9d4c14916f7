from django.urls import path

from sinergi.orgs import views

app_name = "orgs"
urlpatterns = [
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/<slug:code>/", views.facility_detail, name="facility_detail"),
    path(
        "facilities/<slug:code>/letterhead/",
        views.letterhead_edit,
        name="facility_letterhead",
    ),
    path(
        "facilities/<slug:code>/signatories/new/",
        views.signatory_edit,
        name="facility_signatory_new",
    ),
    path(
        "facilities/<slug:code>/signatories/<int:pk>/",
        views.signatory_edit,
        name="facility_signatory_edit",
    ),
    path(
        "facilities/<slug:code>/signatories/<int:pk>/delete/",
        views.signatory_delete,
        name="facility_signatory_delete",
    ),
    path(
        "regions/<slug:code>/letterhead/",
        views.letterhead_edit,
        {"kind": "region"},
        name="region_letterhead",
    ),
    path(
        "regions/<slug:code>/signatories/new/",
        views.signatory_edit,
        {"kind": "region"},
        name="region_signatory_new",
    ),
    path(
        "regions/<slug:code>/signatories/<int:pk>/",
        views.signatory_edit,
        {"kind": "region"},
        name="region_signatory_edit",
    ),
    path(
        "regions/<slug:code>/signatories/<int:pk>/delete/",
        views.signatory_delete,
        {"kind": "region"},
        name="region_signatory_delete",
    ),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<slug:code>/", views.partner_detail, name="partner_detail"),
]
