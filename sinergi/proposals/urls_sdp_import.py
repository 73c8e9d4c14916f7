"""The SDP proposal-status import's pages, included by ``proposals/urls.py`` (names in
the ``proposals`` namespace: ``proposals:sdp_import``)."""

from django.urls import path

from sinergi.proposals import views_sdp_import as views

urlpatterns = [
    path("sdp-import/", views.sdp_import_start, name="sdp_import"),
    path("sdp-import/<int:pk>/", views.sdp_import_detail, name="sdp_import_detail"),
    path("sdp-import/<int:pk>/confirm/", views.sdp_import_confirm, name="sdp_import_confirm"),
    path("sdp-import/<int:pk>/problems.csv", views.sdp_import_problems, name="sdp_import_problems"),
]
