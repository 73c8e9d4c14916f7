from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "sinergi.programs"
    label = "programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from sinergi.core.demo import register_seeder
        from sinergi.core.navigation import NavItem, register_home_cards, register_nav
        from sinergi.core.roles import OFFICER_ROLES
        from sinergi.inmates.actions import on_status_change
        from sinergi.inmates.views import register_inmate_section
        from sinergi.programs import actions, demo, home

        register_nav(
            NavItem(
                "programs",
                _("Programs"),
                "programs:list",
                lambda s: bool(s.roles),
                order=200,
                group="programs",
            )
        )
        register_nav(
            NavItem(
                "my_sessions",
                _("My sessions"),
                "programs:my_sessions",
                lambda s: s.has_role("instructor"),
                order=210,
                group="programs",
            )
        )
        register_nav(
            NavItem(
                "holidays",
                _("Holidays"),
                "programs:holidays",
                lambda s: bool(s.facility_ids(*OFFICER_ROLES)),
                order=220,
                group="programs",
            )
        )
        register_home_cards(home.cards)
        register_inmate_section(home.inmate_section)
        on_status_change(actions.end_for_inmate)
        register_seeder(40, "programs", demo.seed)
