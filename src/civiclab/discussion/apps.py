from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "civiclab.discussion"
    label = "discussion"
    verbose_name = _("Discussion and moderation")

    def ready(self) -> None:
        from civiclab.core import audit

        from . import notification_kinds, personal_data
        from .audit import AuditAction

        personal_data.register_all()
        audit.register_actions(AuditAction)
        notification_kinds.register_all()
        self._show_queue_on_organisation_page()

    def _show_queue_on_organisation_page(self) -> None:
        """The organisation's page, and the home page, tell moderators how many reports wait."""
        from civiclab.core import page_sections

        from .selectors import organisation_section_context, workspace_section_context

        page_sections.register(
            page_sections.ORGANISATION,
            "discussion/organisation_section.html",
            get_context=organisation_section_context,
            order=90,
        )
        page_sections.register(
            page_sections.WORKSPACE,
            "discussion/workspace_section.html",
            get_context=workspace_section_context,
            order=30,
        )
