"""Evaluation on an idea's page: `{% load evaluation %}{% idea_evaluation idea %}`.

Shows an assigned evaluator the way to score the idea; shows managers and decision makers the
idea's score and the way to the results; offers shortlisting and selection to the people who
may decide now. Evaluation results stay internal: visitors and authors see nothing here (the
idea's status and its public reason tell them what became of it).
"""

from django import template

from civiclab.challenges.models import IdeaStatus
from civiclab.challenges.selectors import evaluation as selectors
from civiclab.challenges.services.status import statuses_leading_to

register = template.Library()


@register.inclusion_tag("challenges/evaluation/idea_evaluation.html", takes_context=True)
def idea_evaluation(context, idea):
    request = context.get("request")
    user = getattr(request, "user", None)
    block = {"idea": idea, "show": False}
    if user is None or not user.is_authenticated:
        return block
    assignment = selectors.assignment_of(user=user, idea=idea)
    if assignment is not None:
        evaluation = selectors.evaluation_of(assignment)
        block["assignment"] = assignment
        block["evaluation"] = evaluation
        block["can_evaluate"] = user.has_perm("challenges.evaluate_idea", idea)
    if user.has_perm("challenges.view_evaluation_results", idea):
        block["summary"] = selectors.idea_result_summary(idea=idea)
    block["can_shortlist"] = idea.status in statuses_leading_to(
        IdeaStatus.SHORTLISTED
    ) and user.has_perm("challenges.shortlist_idea", idea)
    block["can_select"] = idea.status in statuses_leading_to(IdeaStatus.SELECTED) and user.has_perm(
        "challenges.select_idea", idea
    )
    block["show"] = bool(
        assignment is not None
        or "summary" in block
        or block["can_shortlist"]
        or block["can_select"]
    )
    return block


@register.inclusion_tag("challenges/evaluation/challenge_evaluation.html", takes_context=True)
def challenge_evaluation(context, challenge):
    """Links to the evaluation of a challenge for the people who take part in it: the
    scorecard, evaluators and results for managers, results for decision makers, the
    evaluator's own list, and pairwise comparison when it is open. Nothing for others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    block = {"challenge": challenge, "show": False}
    if user is None or not user.is_authenticated:
        return block
    block["can_manage"] = user.has_perm("challenges.manage_scorecard", challenge)
    block["can_view_results"] = user.has_perm("challenges.view_evaluation_results", challenge)
    block["can_compare"] = user.has_perm("challenges.compare_ideas", challenge)
    block["assigned"] = selectors.assigned_count(user=user, challenge=challenge)
    block["show"] = bool(
        block["can_manage"]
        or block["can_view_results"]
        or block["can_compare"]
        or block["assigned"]
    )
    return block
