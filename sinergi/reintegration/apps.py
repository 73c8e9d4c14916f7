from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationConfig(AppConfig):
    name = "sinergi.reintegration"
    label = "reintegration"
    verbose_name = _("Reintegration")

    def ready(self) -> None:
        from sinergi.core.demo import register_seeder
        from sinergi.core.navigation import NavItem, register_home_cards, register_nav
        from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES, Role
        from sinergi.inmates.actions import on_admission
        from sinergi.inmates.views import register_inmate_elsewhere, register_inmate_section
        from sinergi.reintegration import actions, demo, home, inmate_section, queries

        on_admission(actions.detect_readmissions)
        register_inmate_section(inmate_section.inmate_section)
        register_inmate_elsewhere(queries.handover_page)
        register_seeder(60, "reintegration", demo.seed)
        register_home_cards(home.cards)
        register_nav(
            NavItem(
                "jobs",
                _("Jobs"),
                "reintegration:jobs",
                lambda s: s.is_admin or s.has_role(*OFFICER_ROLES, Role.PARTNER_USER),
                order=340,
                group="cooperation",
            )
        )
        register_nav(
            NavItem(
                "follow_ups",
                _("Follow-ups"),
                "reintegration:follow_ups",
                lambda s: s.has_role(Role.PROBATION_OFFICER),
                order=130,
                group="registry",
            )
        )

        register_nav(
            NavItem(
                "release",
                _("Release preparation"),
                "reintegration:worklist",
                lambda s: s.is_admin or s.has_role(*STAFF_ROLES) or bool(s.region_ids),
                order=120,
                group="registry",
            )
        )
        register_nav(
            NavItem(
                "referrals",
                _("Referrals"),
                "reintegration:referrals",
                lambda s: s.is_admin or s.has_role(*STAFF_ROLES, Role.PARTNER_USER),
                order=330,
                group="cooperation",
            )
        )
