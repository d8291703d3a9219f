"""What discussion records in the audit trail: the moderation of comments.

The codes were written under `challenges.` before discussion had its own app and are never
renamed, so older rows still read. A discussable with a moderation registers its own actions
for itself (an idea's "hidden by a moderator" is the ideas app's word); `MODERATION_ACTIONS`
holds every (kind, decision) pair, so the moderation service picks a member rather than
composing a code.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    COMMENT_AUTO_HIDDEN = "challenges.comment_auto_hidden", _("Comment hidden after reports")
    COMMENT_HIDDEN = "challenges.comment_hidden", _("Comment hidden by a moderator")
    COMMENT_RESTORED = "challenges.comment_restored", _("Comment restored by a moderator")
    COMMENT_FLAGS_DISMISSED = (
        "challenges.comment_flags_dismissed",
        _("Reports on a comment dismissed"),
    )


# (kind of item, moderation decision) -> the action recorded for it. Discussables with a
# moderation add theirs when they register (`registry.register`).
MODERATION_ACTIONS: dict[tuple[str, str], models.TextChoices] = {
    ("comment", "auto_hidden"): AuditAction.COMMENT_AUTO_HIDDEN,
    ("comment", "hidden"): AuditAction.COMMENT_HIDDEN,
    ("comment", "restored"): AuditAction.COMMENT_RESTORED,
    ("comment", "flags_dismissed"): AuditAction.COMMENT_FLAGS_DISMISSED,
}
