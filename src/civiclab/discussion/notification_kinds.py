"""The kinds of notification discussion sends, as the preferences page lists them.

Their verbs keep the `challenges.` prefix they were stored with before discussion became an
app of its own: stored rows and people's preferences refer to them.
"""

from django.utils.translation import gettext_lazy as _

from civiclab.core.notifications import register_kind


def register_all() -> None:
    register_kind("challenges.comment_added", _("New comments on something you wrote or follow"))
    register_kind("challenges.moderation_needed", _("A report waits in your moderation queue"))
    register_kind(
        "challenges.moderation_decision",
        _("A moderator hides or restores something you wrote"),
    )
