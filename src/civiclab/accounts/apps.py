from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "civiclab.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from civiclab.core import audit

        from .audit import AuditAction
        from .data_registry import register_all

        register_all()
        audit.register_actions(AuditAction)
