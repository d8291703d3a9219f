from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "civiclab.challenges"
    label = "challenges"
    verbose_name = _("Challenges and ideas")

    def ready(self) -> None:
        from civiclab.core import audit

        from . import personal_data
        from .audit import AuditAction

        personal_data.register_all()
        audit.register_actions(AuditAction)
        self._connect_challenges()
        self._connect_discussion()
        # Signal receivers: list counts, similar-idea indexes and trending scores follow
        # every idea and support, whichever service changed them.
        from .selectors import lists, similar  # noqa: F401
        from .services import trending  # noqa: F401

    def _connect_challenges(self) -> None:
        """Every new organisation gets its idea box; its public page lists its challenges."""
        from django.db.models.signals import post_save

        from civiclab.core import page_sections
        from civiclab.organisations.models import Organisation

        from .services.challenges import create_idea_box_with_organisation
        from .views.challenges import organisation_section_context

        post_save.connect(
            create_idea_box_with_organisation,
            sender=Organisation,
            dispatch_uid="challenges.idea_box_with_organisation",
        )
        page_sections.register(
            page_sections.ORGANISATION,
            "challenges/challenges/organisation_section.html",
            get_context=organisation_section_context,
            order=10,
        )

    def _connect_discussion(self) -> None:
        """Ideas are discussable; the organisation's page shows moderators their queue."""
        from civiclab.core import page_sections
        from civiclab.discussion.selectors import organisation_section_context

        from .discussable import register_ideas

        register_ideas()
        page_sections.register(
            page_sections.ORGANISATION,
            "challenges/moderation/organisation_section.html",
            get_context=organisation_section_context,
            order=90,
        )
