from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "civiclab.challenges"
    label = "challenges"
    verbose_name = _("Challenges and ideas")

    def ready(self) -> None:
        from civiclab.core import audit

        from . import notification_kinds, personal_data
        from .audit import AuditAction

        personal_data.register_all()
        audit.register_actions(AuditAction)
        notification_kinds.register_all()
        self._connect_challenges()
        self._connect_discussion()
        from .searchable import register_searchables

        register_searchables()
        # Derived data only: list counts and search documents follow every idea.
        from . import receivers

        receivers.connect()

    def _connect_challenges(self) -> None:
        """Every new organisation gets its idea box; its public page lists its challenges."""
        from civiclab.core import page_sections
        from civiclab.organisations import setup_steps

        from .services.challenges import idea_box_open_with_organisation
        from .views.challenges import organisation_section_context

        setup_steps.register("challenges.idea_box", idea_box_open_with_organisation)
        page_sections.register(
            page_sections.ORGANISATION,
            "challenges/challenges/organisation_section.html",
            get_context=organisation_section_context,
            order=10,
        )
        self._add_home_sections()

    def _add_home_sections(self) -> None:
        """The challenges' blocks on a signed-in person's workspace and the visitors' home."""
        from civiclab.core import page_sections

        from .views import workspace

        for order, name, get_context in (
            (15, "coauthor_invitations", workspace.coauthor_invitations_context),
            (20, "ideas_to_score", workspace.ideas_to_score_context),
            (40, "decisions", workspace.decisions_context),
            (50, "challenges_run", workspace.challenges_run_context),
            (60, "my_ideas", workspace.my_ideas_context),
            (70, "my_events", workspace.my_events_context),
        ):
            page_sections.register(
                page_sections.WORKSPACE,
                f"challenges/workspace/{name}.html",
                get_context=get_context,
                order=order,
            )
        for order, name, get_context in (
            (10, "figures", workspace.public_figures_context),
            (20, "open_challenges", workspace.open_challenges_context),
            (30, "recent_decisions", workspace.recent_decisions_context),
        ):
            page_sections.register(
                page_sections.HOME,
                f"challenges/workspace/{name}.html",
                get_context=get_context,
                order=order,
            )

    def _connect_discussion(self) -> None:
        """Ideas are discussable (comments, follows, reports and moderation)."""
        from .discussable import register_ideas

        register_ideas()
