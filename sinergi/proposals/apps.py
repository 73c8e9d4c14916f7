from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "sinergi.proposals"
    label = "proposals"
    verbose_name = _("Integration-right proposals")

    def ready(self) -> None:
        # The integration-rights pipeline (inmates) shows each right's proposal stage.
        from sinergi.inmates.pipeline import register_stage_source
        from sinergi.proposals.pipeline import STAGES

        register_stage_source(STAGES)

        # The Litmas and sidang TPP work (home_bapas, urls_extra).
        from sinergi.core.navigation import NavItem, register_home_cards, register_nav
        from sinergi.core.roles import STAFF_ROLES, Role
        from sinergi.proposals import home_bapas

        register_home_cards(home_bapas.cards)
        register_nav(
            NavItem(
                "litmas",
                _("Litmas requests"),
                "proposals:litmas_list",
                # The PKs of the Bapas asked, and the facility staff who asked (the list
                # is scoped: LitmasRequest.objects.for_user).
                lambda s: s.has_role(Role.PROBATION_OFFICER, *STAFF_ROLES),
                order=112,
                group="registry",
            )
        )
        register_nav(
            NavItem(
                "tpp",
                _("Sidang TPP"),
                "proposals:tpp_list",
                lambda s: s.is_admin or bool(s.region_ids) or s.has_role(*STAFF_ROLES),
                order=113,
                group="registry",
            )
        )

        # Proposal statuses imported from an SDP export (views_sdp_import).
        from sinergi.core.roles import OFFICER_ROLES

        register_nav(
            NavItem(
                "sdp_import",
                _("Proposals from SDP"),
                "proposals:sdp_import",
                lambda s: s.has_role(*OFFICER_ROLES),
                order=114,
                group="registry",
            )
        )

        # The overdue-release alarm (inmates.queries) counts a granted proposal whose SK
        # date passed without a release (issue 14).
        from sinergi.inmates.queries import register_granted_release_source
        from sinergi.proposals.granted import granted_release_dates, people_granted_by

        register_granted_release_source(granted_release_dates, people_granted_by)

        # The demo's proposals at Selong (after reintegration's, before the indicators').
        from sinergi.core.demo import register_seeder
        from sinergi.proposals import demo

        register_seeder(65, "proposals", demo.seed)
