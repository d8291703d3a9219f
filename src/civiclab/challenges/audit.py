"""What challenges records in the audit trail: each action's stored code and its label.

Moderating an idea records one action per decision; the discussion app records them through
the ideas' registration (`IDEA_MODERATION_ACTIONS`), comments' are its own.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # Challenges, their phases and events
    IDEA_BOX_CREATED = "challenges.idea_box_created", _("Idea box created")
    CHALLENGE_CREATED = "challenges.challenge_created", _("Challenge created")
    CHALLENGE_CHANGED = "challenges.challenge_changed", _("Challenge changed")
    PHASES_SET = "challenges.phases_set", _("Challenge phases set")
    INVITED_CHANGED = "challenges.invited_changed", _("Invited people changed")
    CHALLENGE_PUBLISHED = "challenges.challenge_published", _("Challenge published")
    CHALLENGE_UNPUBLISHED = "challenges.challenge_unpublished", _("Challenge unpublished")
    EVENT_CREATED = "challenges.event_created", _("Event created")
    EVENT_CHANGED = "challenges.event_changed", _("Event changed")
    EVENT_REMOVED = "challenges.event_removed", _("Event removed")
    EVENT_REGISTERED = "challenges.event_registered", _("Registered for an event")
    EVENT_CANCELLED = "challenges.event_cancelled", _("Event registration cancelled")
    # Ideas
    IDEA_CREATED = "challenges.idea_created", _("Idea submitted")
    IDEA_CHANGED = "challenges.idea_changed", _("Idea changed")
    IDEA_STATUS_CHANGED = "challenges.idea_status_changed", _("Idea status changed")
    COAUTHOR_INVITED = "challenges.coauthor_invited", _("Co-author invited")
    COAUTHOR_ACCEPTED = "challenges.coauthor_accepted", _("Co-author invitation accepted")
    COAUTHOR_DECLINED = "challenges.coauthor_declined", _("Co-author invitation declined")
    COAUTHOR_REMOVED = "challenges.coauthor_removed", _("Co-author removed")
    IDEA_MERGED = "challenges.idea_merged", _("Idea merged into another")
    IDEA_UNMERGED = "challenges.idea_unmerged", _("Idea merge undone")
    EXPORT_IDEAS = "challenges.export_ideas", _("Ideas exported")
    EXPORT_RESULTS = "challenges.export_results", _("Evaluation results exported")
    # Moderation
    IDEA_AUTO_HIDDEN = "challenges.idea_auto_hidden", _("Idea hidden after reports")
    IDEA_HIDDEN = "challenges.idea_hidden", _("Idea hidden by a moderator")
    IDEA_RESTORED = "challenges.idea_restored", _("Idea restored by a moderator")
    IDEA_FLAGS_DISMISSED = "challenges.idea_flags_dismissed", _("Reports on an idea dismissed")
    # Evaluation and selection
    SCORECARD_CHANGED = "challenges.scorecard_changed", _("Scorecard changed")
    CRITERION_ADDED = "challenges.criterion_added", _("Criterion added")
    CRITERION_CHANGED = "challenges.criterion_changed", _("Criterion changed")
    CRITERION_REMOVED = "challenges.criterion_removed", _("Criterion removed")
    CRITERIA_REPLACED = "challenges.criteria_replaced", _("Criteria replaced")
    EVALUATORS_ASSIGNED = "challenges.evaluators_assigned", _("Evaluators assigned")
    EVALUATOR_UNASSIGNED = "challenges.evaluator_unassigned", _("Evaluator unassigned")
    EVALUATION_SAVED = "challenges.evaluation_saved", _("Evaluation saved as a draft")
    EVALUATION_SUBMITTED = "challenges.evaluation_submitted", _("Evaluation submitted")
    IDEAS_COMPARED = "challenges.ideas_compared", _("Two ideas compared")


# What moderating an idea records, by decision (see `discussion.registry.Moderation`).
IDEA_MODERATION_ACTIONS: dict[str, AuditAction] = {
    "auto_hidden": AuditAction.IDEA_AUTO_HIDDEN,
    "hidden": AuditAction.IDEA_HIDDEN,
    "restored": AuditAction.IDEA_RESTORED,
    "flags_dismissed": AuditAction.IDEA_FLAGS_DISMISSED,
}
