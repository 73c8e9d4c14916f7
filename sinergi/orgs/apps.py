from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "sinergi.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from sinergi.orgs import national_holidays
        from sinergi.orgs.models import NationalHoliday

        # The national holidays are read once per request (national_holidays.py).
        request_started.connect(national_holidays.request_started, dispatch_uid="national_days")
        request_finished.connect(national_holidays.request_finished, dispatch_uid="national_days")
        for signal in (post_save, post_delete):
            signal.connect(national_holidays.national_changed, sender=NationalHoliday, weak=False)

        from django.db.models import OuterRef, Subquery

        from sinergi.core.audit import register_facility_code
        from sinergi.core.demo import register_seeder
        from sinergi.core.navigation import NavItem, register_home_cards, register_nav
        from sinergi.orgs import demo, home
        from sinergi.orgs.models import Facility

        register_seeder(10, "organisations", demo.seed)
        # The audit trail names facilities by id (core knows no app): their codes, here.
        register_facility_code(
            lambda: Subquery(Facility.objects.filter(pk=OuterRef("facility_id")).values("code")[:1])
        )

        register_nav(
            NavItem(
                "facilities",
                _("Facilities"),
                "orgs:facility_list",
                lambda s: s.is_admin or bool(s.facility_ids()) or bool(s.region_ids),
                order=700,
                group="organisation",
            )
        )
        register_nav(
            NavItem(
                "partners",
                _("Partners"),
                "orgs:partner_list",
                lambda s: bool(s.roles),
                order=710,
                group="cooperation",
            )
        )
        register_home_cards(home.cards)
