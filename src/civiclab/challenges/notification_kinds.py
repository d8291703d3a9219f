"""The kinds of notification challenges sends, as the preferences page lists them."""

from django.utils.translation import gettext_lazy as _

from civiclab.core.notifications import register_kind


def register_all() -> None:
    register_kind("challenges.idea_status_changed", _("An idea of yours changes status"))
    register_kind("challenges.idea_merged", _("An idea of yours is merged into another"))
    register_kind("challenges.coauthor_invited", _("You are invited to co-author an idea"))
    register_kind("challenges.coauthor_responded", _("Someone answers your co-author invitation"))
    register_kind("challenges.coauthor_removed", _("You are removed as a co-author"))
    register_kind("challenges.evaluators_assigned", _("Ideas are assigned to you to evaluate"))
    register_kind("challenges.event_cancelled", _("An event you registered for is cancelled"))
    register_kind(
        "challenges.event_place",
        _("Your place at an event (confirmed, or moved from the waiting list)"),
    )
