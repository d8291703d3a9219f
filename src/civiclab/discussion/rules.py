"""Rules for comments and the moderation queue.

Taking part in an object's discussion (commenting, following, reporting the object itself,
hiding it) is the object's own rule, named in its registration; these rules are about comments,
whatever they are on, and about the organisation's queue (whose object is the Organisation).
"""

import rules

from civiclab.organisations.predicates import can_moderate, has_confirmed_email

from .predicates import (
    comment_is_live,
    comment_recent,
    is_comment_author,
    target_not_frozen,
    target_not_hidden,
    target_readable,
)

rules.add_perm(
    "discussion.flag_comment",
    has_confirmed_email
    & target_readable
    & comment_is_live
    & target_not_hidden
    & ~is_comment_author,
)
rules.add_perm(
    "discussion.change_comment",
    is_comment_author & comment_is_live & comment_recent & target_not_frozen,
)
rules.add_perm("discussion.delete_comment", is_comment_author & comment_is_live)
rules.add_perm("discussion.moderate_comment", can_moderate)
rules.add_perm("discussion.view_moderation_queue", can_moderate)
