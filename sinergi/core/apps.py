from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sinergi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from sinergi.core import checks, home, lookups  # noqa: F401 (checks: registers them)
        from sinergi.core.navigation import NavItem, register_home_cards, register_nav

        register_nav(NavItem("home", _("Home"), "home", lambda s: bool(s.roles), order=0))
        register_nav(
            NavItem(
                "audit",
                _("Audit"),
                "audit_list",
                lambda s: s.is_admin or s.has_role("head"),
                order=900,
                group="organisation",
            )
        )
        register_home_cards(home.cards)
        lookups.register()

        from django.contrib.auth.signals import user_logged_in

        from sinergi.core.middleware import stamp_session_at_login

        user_logged_in.connect(stamp_session_at_login, dispatch_uid="stamp_session_at_login")
