from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "sinergi.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from sinergi.inmates.views import register_inmate_section
        from sinergi.privacy import views

        register_inmate_section(views.inmate_section)
