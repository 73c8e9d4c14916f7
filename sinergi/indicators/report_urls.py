from django.urls import path

from sinergi.indicators import report_views

urlpatterns = [
    path("", report_views.report_list, name="reports"),
    path("generate/", report_views.report_generate, name="report_generate"),
    path("<int:pk>/", report_views.report_detail, name="report"),
    path("<int:pk>/pdf/", report_views.report_pdf, name="report_pdf"),
    path(
        "<int:pk>/editions/<int:number>/pdf/",
        report_views.report_edition_pdf,
        name="report_edition_pdf",
    ),
    path("<int:pk>/xlsx/", report_views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/regenerate/", report_views.report_regenerate, name="report_regenerate"),
    path("<int:pk>/sign-off/", report_views.report_sign_off, name="report_sign_off"),
]
