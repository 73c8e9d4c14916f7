from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from sinergi.accounts import views as account_views
from sinergi.api.api import api
from sinergi.core import views as core_views
from sinergi.programs import views as program_views

admin.site.site_header = "Sinergi"
admin.site.site_title = "Sinergi"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("audit/", core_views.audit_list, name="audit_list"),
    path("audit/export.csv", core_views.audit_csv, name="audit_csv"),
    path("orgs/", include("sinergi.orgs.urls")),
    path("inmates/", include("sinergi.inmates.urls")),
    path("programs/", include("sinergi.programs.urls")),
    path("cooperation/", include("sinergi.cooperation.urls")),
    path("reintegration/", include("sinergi.reintegration.urls")),
    path("proposals/", include("sinergi.proposals.urls")),
    path("indicators/", include("sinergi.indicators.urls")),
    path("privacy/", include("sinergi.privacy.urls")),
    path("publik/", include("sinergi.indicators.public_urls")),
    path("verify/", program_views.verify, name="verify_form"),
    path("verify/<str:code>/", program_views.verify, name="verify"),
    path("me/", include("sinergi.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# Error pages in the site's layout and the reader's language (sinergi.core.error_views).
handler400 = "sinergi.core.error_views.bad_request"
handler403 = "sinergi.core.error_views.permission_denied"
handler404 = "sinergi.core.error_views.page_not_found"
handler500 = "sinergi.core.error_views.server_error"
