from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "civiclab.discussion"
    label = "discussion"
    verbose_name = _("Discussion and moderation")

    def ready(self) -> None:
        from civiclab.core import audit

        from . import personal_data
        from .audit import AuditAction

        personal_data.register_all()
        audit.register_actions(AuditAction)
