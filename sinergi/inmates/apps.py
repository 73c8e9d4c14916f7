from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InmatesConfig(AppConfig):
    name = "sinergi.inmates"
    label = "inmates"
    verbose_name = _("Inmates")

    def ready(self) -> None:
        from sinergi.core.demo import register_seeder
        from sinergi.core.navigation import NavItem, register_home_cards, register_nav
        from sinergi.core.roles import STAFF_ROLES
        from sinergi.inmates import demo, home

        staff = STAFF_ROLES
        register_nav(
            NavItem(
                "inmates",
                _("Inmates"),
                "inmates:list",
                lambda s: s.is_admin or s.has_role(*staff) or bool(s.region_ids),
                order=100,
                group="registry",
            )
        )
        register_nav(
            NavItem(
                "rights",
                _("Integration rights"),
                "inmates:rights",
                lambda s: s.is_admin or s.has_role(*staff) or bool(s.region_ids),
                order=110,
                group="registry",
            )
        )
        register_nav(
            NavItem(
                "overdue_releases",
                _("Held past release date"),
                "inmates:overdue_releases",
                lambda s: s.is_admin or s.has_role(*staff) or bool(s.region_ids),
                order=115,
                group="registry",
            )
        )
        register_home_cards(home.cards)
        register_seeder(30, "inmates", demo.seed)
        # After the apps that admit or release people in the demo, before the figures.
        register_seeder(68, "custody episodes", demo.seed_custody)
