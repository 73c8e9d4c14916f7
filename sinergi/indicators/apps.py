from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "sinergi.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from sinergi.core.demo import register_seeder
        from sinergi.core.navigation import NavItem, register_home_cards, register_nav
        from sinergi.indicators import demo, home, tasks
        from sinergi.inmates.importer import register_import_listener

        register_seeder(70, "indicators", demo.seed)
        register_nav(
            NavItem(
                "indicators", _("Dashboards"), "indicators:index", home.reads_dashboards, order=50
            )
        )
        register_home_cards(home.cards)
        register_import_listener(tasks.after_import)
