"""The challenges' blocks on the home page (registered in `ChallengesConfig.ready()` with
`core.page_sections`): what waits for a signed-in person, and what a visitor sees.

Each context function returns None when its block has nothing to show, so a person sees
only the blocks that concern them; "your ideas" always shows, with an empty state, because
taking part is what everyone who signs in can do.
"""

from typing import Any

from django.http import HttpRequest

from civiclab.accounts.models import User

from ..selectors import workspace as selectors


def ideas_to_score_context(request: HttpRequest, person: User) -> dict[str, Any] | None:
    challenges = selectors.challenges_to_score(user=person)
    if not challenges:
        return None
    organisations = {
        work.challenge.organisation.pk: work.challenge.organisation for work in challenges
    }
    return {
        "challenges": [work for work in challenges if work.to_score],
        "to_score": sum(work.to_score for work in challenges),
        "submitted": sum(work.submitted for work in challenges),
        "organisations": sorted(organisations.values(), key=lambda o: o.name),
    }


def decisions_context(request: HttpRequest, person: User) -> dict[str, Any] | None:
    challenges = selectors.challenges_awaiting_decision(user=person)
    if not challenges and not selectors.decides_anywhere(user=person):
        return None
    return {
        "challenges": challenges,
        "shortlisted": sum(work.shortlisted for work in challenges),
    }


def challenges_run_context(request: HttpRequest, person: User) -> dict[str, Any] | None:
    run = selectors.challenges_run_by(user=person)
    if not run.total:
        return None
    return {
        "challenges": run.challenges,
        "total": run.total,
        "more": run.total - len(run.challenges),
    }


def coauthor_invitations_context(request: HttpRequest, person: User) -> dict[str, Any] | None:
    invitations = selectors.coauthor_invitations_for(user=person)
    return {"invitations": invitations} if invitations else None


def my_ideas_context(request: HttpRequest, person: User) -> dict[str, Any]:
    mine = selectors.ideas_of_author(user=person)
    return {"ideas": mine.ideas, "total": mine.total, "more": mine.total - len(mine.ideas)}


def my_events_context(request: HttpRequest, person: User) -> dict[str, Any] | None:
    registrations = selectors.events_registered_by(user=person)
    return {"registrations": registrations} if registrations else None


def public_figures_context(request: HttpRequest, visitor: None) -> dict[str, Any]:
    return {"figures": selectors.public_figures()}


def open_challenges_context(request: HttpRequest, visitor: None) -> dict[str, Any]:
    return {"challenges": selectors.open_challenges_everywhere()}


def recent_decisions_context(request: HttpRequest, visitor: None) -> dict[str, Any]:
    return {"decisions": selectors.recent_public_decisions()}
