from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "civiclab.ledger"
    label = "ledger"
    verbose_name = _("Public ledger")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
