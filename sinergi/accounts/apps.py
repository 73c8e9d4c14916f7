from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sinergi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from sinergi.accounts import demo, home, signals  # noqa: F401  (signals: audit)
        from sinergi.core.demo import register_seeder
        from sinergi.core.navigation import register_home_cards

        register_seeder(20, "users", demo.seed)

        register_home_cards(home.cards)
