"""Ideas in the discussion app's registry: comments, follows, reports and moderation on ideas.

The discussion app knows nothing of ideas; this registration answers its questions: who may
read an idea (`challenges.view_idea`), who wrote it (the author and accepted co-authors), whom
blind review keeps from knowing them (`challenges.view_idea_authors`), and what a moderator
hiding an idea means (its own `is_hidden` flag, shown with the reason).
"""

from django.utils.translation import gettext_lazy as _

from civiclab.discussion.registry import Discussable, Moderation, register

from .audit import IDEA_MODERATION_ACTIONS
from .models import Idea, IdeaStatus
from .predicates import author_ids

IDEAS = Discussable(
    model=Idea,
    kind="idea",
    label=_("idea"),
    read_perm="challenges.view_idea",
    comment_perm="challenges.comment_idea",
    follow_perm="challenges.follow_idea",
    flag_perm="challenges.flag_idea",
    authors=author_ids,
    shows_authors=lambda viewer, idea: viewer.has_perm("challenges.view_idea_authors", idea),
    masked_label=_("One of the idea's authors"),
    title=lambda idea: idea.title,
    is_hidden=lambda idea: idea.is_hidden,
    is_frozen=lambda idea: idea.status == IdeaStatus.MERGED,
    comment_count_field="comment_count",
    moderation=Moderation(
        perm="challenges.moderate_idea",
        actions=dict(IDEA_MODERATION_ACTIONS),
        flags_to_hide=lambda idea: idea.challenge.flags_to_hide,
        summary=lambda idea: idea.summary,
        hidden_ordering=("-updated_at",),
    ),
    select_related=("organisation", "challenge__organisation", "challenge__scorecard", "author"),
    prefetch_related=("challenge__phases",),
)


def register_ideas() -> None:
    """Ideas are discussable: `ideas/<pk>/comments/` and the rest serve them."""
    register(IDEAS)
