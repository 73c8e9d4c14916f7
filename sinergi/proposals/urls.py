from django.urls import include, path

from sinergi.proposals import views

app_name = "proposals"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/documents/", views.add_document, name="document_add"),
    path("<int:pk>/reference/", views.set_reference, name="reference"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("start/<int:inmate_pk>/<str:right>/", views.start, name="start"),
    path("", include("sinergi.proposals.urls_extra")),  # Litmas and sidang TPP pages
    path("", include("sinergi.proposals.urls_sdp_import")),  # statuses from an SDP export
]
