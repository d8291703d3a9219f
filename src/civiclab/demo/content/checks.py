"""Checks across a content file or across files: the people and ideas it names exist, and
nobody is described twice."""

from collections.abc import Iterable
from pathlib import Path

from .reader import DemoContentError, Table
from .schema import DemoChallenge, DemoContent, DemoIdea, DemoOrganisation, DemoPerson


def check_challenge(table: Table, challenge: DemoChallenge) -> None:
    """References inside one challenge: ideas it names, decisions, scores."""
    ideas = {idea.key for idea in challenge.ideas}

    def idea_named(key: str, value: str) -> None:
        if value not in ideas:
            raise table.error(key, f"no idea {value!r} in this challenge")

    if challenge.moderation_case:
        idea_named("moderation_case.idea", challenge.moderation_case.idea)
    if challenge.merge:
        idea_named("merge.source", challenge.merge.source)
        idea_named("merge.target", challenge.merge.target)
    if challenge.review:
        for key in challenge.review.not_yet_reviewed:
            idea_named("review.not_yet_reviewed", key)
        for key, _reason in challenge.review.shelved:
            idea_named(f"review.shelved.{key}", key)
    if challenge.evaluation:
        for evaluator, key, _comment in challenge.evaluation.comments:
            idea_named(f"evaluation.comments.{evaluator}.{key}", key)
        criteria = len(challenge.scorecard.criteria) if challenge.scorecard else 0
        for position, idea in enumerate(challenge.ideas):
            if len(idea.merit) != criteria:
                raise table.error(
                    f"ideas[{position}].merit", f"needs one number per criterion ({criteria})"
                )
    decided = [idea for idea in challenge.ideas if idea.decision]
    if decided and challenge.selection is None:
        raise table.error("selection", "missing: ideas have decisions")


def _people_named(challenge: DemoChallenge) -> Iterable[tuple[str, str]]:
    """(where, person key) for every person a challenge names."""
    yield "lead", challenge.lead
    if challenge.sponsor:
        yield "sponsor", challenge.sponsor
    for position, idea in enumerate(challenge.ideas):
        yield from _people_of_idea(f"ideas[{position}]", idea)
    if challenge.event:
        for position, key in enumerate(challenge.event.registrants):
            yield f"event.registrants[{position}]", key
    if challenge.moderation_case:
        case = challenge.moderation_case
        yield "moderation_case.author", case.author
        yield "moderation_case.moderator", case.moderator
        for position, flag in enumerate(case.flags):
            yield f"moderation_case.flags[{position}].by", flag.by
    if challenge.merge:
        yield "merge.by", challenge.merge.by
    if challenge.pairwise:
        for position, key in enumerate(challenge.pairwise.voters):
            yield f"pairwise.voters[{position}]", key
    if challenge.evaluation:
        for key in challenge.evaluation.evaluators:
            yield f"evaluation.tendencies.{key}", key
        for key, _hours in challenge.evaluation.scored_after_hours:
            yield f"evaluation.scored_after_hours.{key}", key
        for key, idea_key, _comment in challenge.evaluation.comments:
            yield f"evaluation.comments.{key}.{idea_key}", key


def _people_of_idea(where: str, idea: DemoIdea) -> Iterable[tuple[str, str]]:
    yield f"{where}.author", idea.author
    for number, thread in enumerate(idea.comments):
        yield f"{where}.comments[{number}].author", thread.author
        for position, reply in enumerate(thread.replies):
            yield f"{where}.comments[{number}].replies[{position}].author", reply.author


def check_people_named(
    root: Path, folder: Path, organisation: DemoOrganisation, platform: dict[str, DemoPerson]
) -> None:
    known = {**platform, **{person.key: person for person in organisation.members}}
    known.update({person.key: person for person in organisation.residents})
    named: list[tuple[str, str, str]] = []  # (file, where, key)
    for challenge in organisation.challenges:
        file = str((folder / "challenges" / f"{challenge.slug}.toml").relative_to(root))
        named += [(file, where, key) for where, key in _people_named(challenge)]
    if organisation.idea_box:
        file = str((folder / "idea-box.toml").relative_to(root))
        for position, idea in enumerate(organisation.idea_box.ideas):
            named += [
                (file, where, key) for where, key in _people_of_idea(f"ideas[{position}]", idea)
            ]
    for file, where, key in named:
        if key not in known:
            raise DemoContentError(
                f"{file}: {where}: no person {key!r} in platform.toml or "
                f"{organisation.slug}/people.toml"
            )


def check_unique_people(content: DemoContent) -> None:
    """Keys and e-mail addresses name one person each, across all the files."""
    files = [("platform.toml", [content.administrator, *content.residents])]
    for organisation in content.organisations:
        people = [*organisation.members, *organisation.residents]
        files.append((f"{organisation.slug}/people.toml", people))
    seen: dict[tuple[str, str], str] = {}
    for file, people in files:
        for person in people:
            for field, value in (("key", person.key), ("email", person.email)):
                earlier = seen.get((field, value))
                if earlier is not None:
                    where = "twice" if earlier == file else f"in {earlier} too"
                    raise DemoContentError(f"{file}: {field} {value!r} is used {where}")
                seen[(field, value)] = file
