"""API endpoints for assigning evaluators (`/challenges/{id}/assignments`) and an evaluator's
own list (`/me/evaluations`).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from civiclab.challenges import access
from civiclab.challenges.selectors.evaluation import (
    assignments_of_evaluator,
    organisations_with_assignments,
    people_by_ids,
)
from civiclab.challenges.services.evaluation import (
    assignments_add,
    assignments_automatic,
)
from civiclab.core.access import NotVisible
from civiclab.core.api import api_actor

router = Router(tags=["evaluation"])


def _state_idea_or_automatic(schema: dict) -> None:
    """Name the idea (`idea_id`), or ask for automatic assignment (`automatic: true`)."""
    schema["anyOf"] = [
        {"required": ["automatic"], "properties": {"automatic": {"const": True}}},
        {"required": ["idea_id"], "properties": {"idea_id": {"type": "integer"}}},
    ]


class AssignmentsIn(Schema):
    model_config = ConfigDict(json_schema_extra=_state_idea_or_automatic)

    automatic: bool = False
    idea_id: int | None = None
    evaluator_ids: list[int] = Field(default_factory=list)


class AssignmentsOut(Schema):
    ideas: int
    created: int


class AssignedOut(Schema):
    assignment_id: int
    idea_id: int
    idea_title: str
    challenge_id: int
    challenge_title: str
    organisation: str
    state: str
    scored: int
    criteria: int


@router.post(
    "/challenges/{challenge_id}/assignments",
    response={201: AssignmentsOut},
    summary="Assign evaluators: to one idea by hand, or to every idea in review automatically",
)
def post_assignments(request, challenge_id: int, payload: AssignmentsIn):
    user = api_actor(request)
    challenge = access.challenge_for_user(user=user, pk=challenge_id)
    if payload.automatic:
        done = assignments_automatic(actor=user, challenge=challenge)
        return Status(201, {"ideas": done.ideas, "created": done.created})
    if payload.idea_id is None:
        raise ValidationError({"idea_id": [_("Name the idea, or ask for automatic assignment.")]})
    idea = access.idea_for_user(user=user, pk=payload.idea_id)
    if idea.challenge_id != challenge.pk:
        raise NotVisible
    people = people_by_ids(payload.evaluator_ids)
    missing = set(payload.evaluator_ids) - {person.pk for person in people}
    if missing:
        raise ValidationError(
            {
                "evaluator_ids": [
                    _("There is no account with the id %(ids)s.")
                    % {"ids": ", ".join(map(str, sorted(missing)))}
                ]
            }
        )
    created = assignments_add(actor=user, idea=idea, evaluators=people)
    return Status(201, {"ideas": 1, "created": len(created)})


@router.get("/me/evaluations", response=list[AssignedOut], summary="Ideas assigned to me")
def my_evaluations(request):
    user = api_actor(request)
    organisations = organisations_with_assignments(user=user)
    rows = []
    for organisation in organisations:
        for row in assignments_of_evaluator(user=user, organisation=organisation):
            rows.append(
                {
                    "assignment_id": row.assignment.pk,
                    "idea_id": row.idea.pk,
                    "idea_title": row.idea.title,
                    "challenge_id": row.idea.challenge_id,
                    "challenge_title": row.idea.challenge.title,
                    "organisation": organisation.slug,
                    "state": row.state,
                    "scored": row.scored,
                    "criteria": row.criteria,
                }
            )
    return rows
