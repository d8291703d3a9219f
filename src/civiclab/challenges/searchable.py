"""Challenges and ideas in the site's search (`civiclab.core.search`, ADR 14).

Registered in `ChallengesConfig.ready()`. Each registration says what text is indexed, in
which language (the organisation's, see `core.search.languages.language_for_country`), and
which objects a person may see, in SQL that mirrors the rules `challenges.view_challenge` and
`challenges.view_idea`: drafts, staff-only and invitation-only challenges, deactivated
organisations and hidden ideas stay out of the results of anyone the page would refuse.
Merged ideas are found through the idea they joined.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from civiclab.accounts.models import User
from civiclab.core.search import registry
from civiclab.core.search.languages import language_for_country
from civiclab.organisations.models import Membership, Role

from .models import Challenge, Idea, IdeaStatus
from .selectors.challenges import visibility_filter

IDEA_KIND = "challenges.idea"
CHALLENGE_KIND = "challenges.challenge"
IDEA_TEXT_FIELDS = frozenset({"title", "summary", "description", "challenge", "organisation"})
CHALLENGE_TEXT_FIELDS = frozenset(
    {"title", "summary", "problem_statement", "goals", "needs", "organisation"}
)
# Who sees hidden ideas of an organisation: `can_moderate` and `runs_challenges`.
SEES_HIDDEN_ROLES = (Role.MODERATOR, Role.ADMIN, Role.INNOVATION_LEAD)


def idea_document(idea: Idea) -> registry.Document:
    return registry.Document(
        title=idea.title,
        body=f"{idea.summary}\n{idea.description}",
        language=language_for_country(idea.organisation.country),
        organisation_id=idea.organisation_id,
        scope_id=idea.challenge_id,
    )


def challenge_document(challenge: Challenge) -> registry.Document:
    return registry.Document(
        title=challenge.title,
        body="\n".join(
            (challenge.summary, challenge.problem_statement, challenge.goals, challenge.needs)
        ),
        language=language_for_country(challenge.organisation.country),
        organisation_id=challenge.organisation_id,
    )


def visible_ideas_q(user: User | AnonymousUser) -> Q:
    """Ideas `user` may open (`challenges.view_idea`), merged ones left out, as a filter."""
    challenges = Challenge.objects.filter(visibility_filter(user)).values("pk")
    visible = Q(challenge_id__in=challenges) & ~Q(status=IdeaStatus.MERGED)
    if not user.is_authenticated:
        return visible & Q(is_hidden=False)
    if user.is_superuser:
        return visible
    sees_hidden = Membership.objects.filter(user=user, role__in=SEES_HIDDEN_ROLES).values(
        "organisation_id"
    )
    return visible & (
        Q(is_hidden=False) | Q(author_id=user.pk) | Q(organisation_id__in=sees_hidden)
    )


def _visible_ideas(user: User | AnonymousUser, ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    return ideas.filter(visible_ideas_q(user))


def _visible_challenges(
    user: User | AnonymousUser, challenges: QuerySet[Challenge]
) -> QuerySet[Challenge]:
    return challenges.filter(visibility_filter(user))


def _idea_results(ideas: list[Idea]) -> list[registry.Result]:
    return [
        registry.Result(
            kind=IDEA_KIND,
            kind_label=str(_("Idea")),
            title=idea.title,
            url=idea.get_absolute_url(),
            summary=idea.summary,
            context=f"{idea.organisation.name} · {idea.challenge.title}",
            obj=idea,
        )
        for idea in ideas
    ]


def _challenge_results(challenges: list[Challenge]) -> list[registry.Result]:
    return [
        registry.Result(
            kind=CHALLENGE_KIND,
            kind_label=str(_("Challenge")),
            title=challenge.title,
            url=challenge.get_absolute_url(),
            summary=challenge.summary,
            context=challenge.organisation.name,
            obj=challenge,
        )
        for challenge in challenges
    ]


def register_searchables() -> None:
    registry.register(
        registry.Searchable(
            kind=CHALLENGE_KIND,
            model=Challenge,
            label=_("Challenges"),
            document=challenge_document,
            visible=_visible_challenges,
            results=_challenge_results,
            indexable=lambda: Challenge.objects.select_related("organisation"),
            fields=CHALLENGE_TEXT_FIELDS,
            related=("organisation",),
        )
    )
    registry.register(
        registry.Searchable(
            kind=IDEA_KIND,
            model=Idea,
            label=_("Ideas"),
            document=idea_document,
            visible=_visible_ideas,
            results=_idea_results,
            indexable=lambda: Idea.objects.select_related("organisation"),
            fields=IDEA_TEXT_FIELDS,
            related=("organisation", "challenge"),
        )
    )
