"""The Litmas and sidang TPP pages, included by ``proposals/urls.py`` (so their names
are in the ``proposals`` namespace: ``proposals:litmas_list``, ``proposals:tpp_detail``)."""

from django.urls import path

from sinergi.proposals import views_litmas, views_tpp

urlpatterns = [
    path("litmas/", views_litmas.litmas_list, name="litmas_list"),
    path("litmas/load/", views_litmas.litmas_load, name="litmas_load"),
    path("litmas/<int:pk>/", views_litmas.litmas_detail, name="litmas_detail"),
    path("litmas/<int:pk>/assign/", views_litmas.litmas_assign, name="litmas_assign"),
    path("litmas/<int:pk>/submit/", views_litmas.litmas_submit, name="litmas_submit"),
    path("litmas/<int:pk>/file/", views_litmas.litmas_file, name="litmas_file"),
    path("litmas/<int:pk>/letter.pdf", views_litmas.litmas_letter, name="litmas_letter"),
    path("tpp/", views_tpp.tpp_list, name="tpp_list"),
    path("tpp/new/", views_tpp.tpp_create, name="tpp_create"),
    path("tpp/<int:pk>/", views_tpp.tpp_detail, name="tpp_detail"),
    path("tpp/<int:pk>/edit/", views_tpp.tpp_edit, name="tpp_edit"),
    path("tpp/<int:pk>/decisions/", views_tpp.tpp_decide, name="tpp_decide"),
    path(
        "tpp/<int:pk>/decisions/<int:decision_pk>/remove/",
        views_tpp.tpp_decision_remove,
        name="tpp_decision_remove",
    ),
    path("tpp/<int:pk>/minutes.pdf", views_tpp.tpp_minutes, name="tpp_minutes"),
    path("tpp/<int:pk>/letter-<str:sent_to>.pdf", views_tpp.tpp_letter, name="tpp_letter"),
]
