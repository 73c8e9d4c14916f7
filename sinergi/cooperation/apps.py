from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "sinergi.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation")

    def ready(self) -> None:
        from sinergi.cooperation import demo, home
        from sinergi.core.demo import register_seeder
        from sinergi.core.navigation import NavItem, register_home_cards, register_nav

        register_nav(
            NavItem(
                "requests",
                _("Requests"),
                "cooperation:requests",
                lambda s: bool(s.roles),
                order=300,
                group="cooperation",
            )
        )
        register_nav(
            NavItem(
                "agreements",
                _("Agreements"),
                "cooperation:agreements",
                lambda s: bool(s.roles),
                order=310,
                group="cooperation",
            )
        )
        register_nav(
            NavItem(
                "meetings",
                _("Meetings"),
                "cooperation:meetings",
                lambda s: bool(s.roles),
                order=320,
                group="cooperation",
            )
        )
        register_home_cards(home.cards)
        register_seeder(50, "cooperation", demo.seed)
