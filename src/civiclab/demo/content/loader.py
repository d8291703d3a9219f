"""Reading the content files into the records of `schema`, checked on the way."""

from datetime import time
from decimal import Decimal
from pathlib import Path

from civiclab.challenges.models import (
    Audience,
    EventKind,
    InnovationType,
    PhaseKind,
)
from civiclab.discussion.models import FlagReason
from civiclab.organisations.models import Cofog, Level, Role

from .checks import check_challenge, check_people_named, check_unique_people
from .reader import REQUIRED, Table, read_file
from .schema import (
    DECISIONS,
    NOW,
    SUPPORTERS,
    DemoChallenge,
    DemoComment,
    DemoContent,
    DemoCriterion,
    DemoDecision,
    DemoEvaluation,
    DemoEvent,
    DemoFlag,
    DemoIdea,
    DemoIdeaBox,
    DemoMerge,
    DemoModerationCase,
    DemoOrganisation,
    DemoPairwise,
    DemoPerson,
    DemoPhase,
    DemoReview,
    DemoScorecard,
    DemoSelection,
    DemoThread,
    DemoTimeline,
)

# The content files sit beside this module.
ROOT = Path(__file__).resolve().parent


def _person(table: Table, roles: bool) -> DemoPerson:
    person = DemoPerson(
        key=table.text("key"),
        email=table.text("email").lower(),
        display_name=table.text("name"),
        description=table.text("description"),
        roles=table.texts("roles", choices=Role.values) if roles else (),
    )
    table.done()
    return person


def _thread(table: Table) -> DemoThread:
    replies = []
    for reply in table.tables("replies", default=[]):
        replies.append(DemoComment(author=reply.text("author"), body=reply.text("body")))
        reply.done()
    thread = DemoThread(
        author=table.text("author"), body=table.text("body"), replies=tuple(replies)
    )
    table.done()
    return thread


def _idea(table: Table) -> DemoIdea:
    decision = None
    decision_table = table.optional_table("decision")
    if decision_table is not None:
        decision = DemoDecision(
            status=decision_table.choice("status", DECISIONS),
            reason=decision_table.text("reason"),
            shortlist_reason=decision_table.text("shortlist_reason", default=""),
        )
        decision_table.done()
    merit = table.value("merit", (), (list,), "a list of whole numbers")
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in merit):
        raise table.error("merit", "must be a list of whole numbers")
    idea = DemoIdea(
        key=table.text("key"),
        author=table.text("author"),
        title=table.text("title"),
        summary=table.text("summary"),
        description=table.text("description"),
        benefits=table.text("benefits"),
        beneficiaries=table.text("beneficiaries"),
        types=table.texts("types", choices=InnovationType.values),
        tags=table.texts("tags", default=()),
        place=table.text("place", default=""),
        supporters=table.integer("supporters", default=0),
        merit=tuple(merit),
        decision=decision,
        comments=tuple(_thread(thread) for thread in table.tables("comments", default=[])),
    )
    table.done()
    return idea


def _ideas(table: Table) -> tuple[DemoIdea, ...]:
    ideas = tuple(_idea(idea) for idea in table.tables("ideas"))
    seen: set[str] = set()
    for position, idea in enumerate(ideas):
        if idea.key in seen:
            raise table.error(f"ideas[{position}].key", f"{idea.key!r} is used twice")
        seen.add(idea.key)
    return ideas


def _timeline(table: Table) -> DemoTimeline:
    timeline = table.table("timeline")
    value = DemoTimeline(
        ideas_from=timeline.number("ideas_from"), ideas_until=timeline.number("ideas_until")
    )
    timeline.done()
    if value.ideas_until < value.ideas_from:
        raise timeline.error("ideas_until", "must not come before ideas_from")
    return value


def _phases(table: Table) -> tuple[DemoPhase, ...]:
    phases = table.table("phases")
    result = []
    for kind, value in phases.entries():
        if kind not in PhaseKind.values:
            raise phases.error(kind, f"not a phase; phases are {', '.join(PhaseKind.values)}")
        valid = isinstance(value, list) and len(value) in (1, 2)
        valid = valid and all(
            (isinstance(day, int) and not isinstance(day, bool)) or day == NOW for day in value
        )
        if not valid:
            raise phases.error(kind, 'must be [start] or [start, end], in days or "now"')
        result.append(DemoPhase(kind, value[0], value[1] if len(value) == 2 else None))
    if not any(phase.kind == PhaseKind.SUBMISSION for phase in result):
        raise phases.error("submission", "missing: a published challenge needs it")
    return tuple(result)


def _event(table: Table) -> DemoEvent:
    starts = table.text("starts")
    try:
        starts_at = time.fromisoformat(starts)
    except ValueError:
        raise table.error("starts", f'{starts!r} is not a time such as "18:00"') from None
    event = DemoEvent(
        kind=table.choice("kind", EventKind.values),
        title=table.text("title"),
        description=table.text("description", default=""),
        place=table.text("place", default=""),
        in_days=table.integer("in_days"),
        starts=starts_at,
        hours=table.number("hours"),
        capacity=table.integer("capacity"),
        registrants=table.texts("registrants", default=()),
    )
    table.done()
    return event


def _moderation_case(table: Table) -> DemoModerationCase:
    flags = []
    for flag in table.tables("flags"):
        flags.append(
            DemoFlag(
                by=flag.text("by"),
                reason=flag.choice("reason", FlagReason.values),
                note=flag.text("note", default=""),
            )
        )
        flag.done()
    case = DemoModerationCase(
        idea=table.text("idea"),
        author=table.text("author"),
        body=table.text("body"),
        moderator=table.text("moderator"),
        reason=table.text("reason"),
        flags=tuple(flags),
    )
    table.done()
    return case


def _merge(table: Table) -> DemoMerge:
    merge = DemoMerge(
        source=table.text("source"),
        target=table.text("target"),
        by=table.text("by"),
        reason=table.text("reason"),
    )
    table.done()
    return merge


def _scorecard(table: Table) -> DemoScorecard:
    criteria = []
    for criterion in table.tables("criteria", default=[]):
        criteria.append(
            DemoCriterion(
                name=criterion.text("name"),
                guidance=criterion.text("guidance", default=""),
                weight=Decimal(str(criterion.number("weight"))).normalize(),
                lower_is_better=criterion.flag("lower_is_better", default=False),
            )
        )
        criterion.done()
    scorecard = DemoScorecard(
        blind=table.flag("blind"),
        evaluators_per_idea=table.integer("evaluators_per_idea"),
        pairwise=table.flag("pairwise", default=False),
        guidance=table.text("guidance", default=""),
        criteria=tuple(criteria),
    )
    table.done()
    return scorecard


def _pairwise(table: Table) -> DemoPairwise:
    pairwise = DemoPairwise(
        voters=table.texts("voters"), pairs_per_voter=table.integer("pairs_per_voter")
    )
    table.done()
    return pairwise


def _review(table: Table) -> DemoReview:
    shelved = table.optional_table("shelved")
    shelved_reasons: list[tuple[str, str]] = []
    if shelved is not None:
        for key, reason in shelved.entries():
            if not isinstance(reason, str) or not reason.strip():
                raise shelved.error(key, "must be the reason, a text")
            shelved_reasons.append((key, reason.strip()))
    review = DemoReview(
        reason=table.text("reason"),
        after_hours=table.number("after_hours"),
        not_yet_reviewed=table.texts("not_yet_reviewed", default=()),
        shelved=tuple(shelved_reasons),
        shelved_after_hours=table.number("shelved_after_hours", default=0),
    )
    table.done()
    return review


def _numbers_by_key(table: Table, key: str) -> tuple[tuple[str, float], ...]:
    values = table.value(key, REQUIRED, (dict,), "a table of numbers")
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise table.error(f"{key}.{name}", "must be a number")
    return tuple((name, float(value)) for name, value in values.items())


def _evaluation(table: Table) -> DemoEvaluation:
    comments = []
    by_evaluator = table.optional_table("comments")
    if by_evaluator is not None:
        for evaluator, per_idea in by_evaluator.entries():
            if not isinstance(per_idea, dict):
                raise by_evaluator.error(evaluator, "must be a table of idea = comment")
            for idea, comment in per_idea.items():
                if not isinstance(comment, str):
                    raise by_evaluator.error(f"{evaluator}.{idea}", "must be a text")
                comments.append((evaluator, idea, comment.strip()))
    evaluation = DemoEvaluation(
        tendencies=_numbers_by_key(table, "tendencies"),
        assigned_after_hours=table.number("assigned_after_hours"),
        scored_after_hours=_numbers_by_key(table, "scored_after_hours"),
        comments=tuple(comments),
    )
    table.done()
    missing = set(evaluation.evaluators) - {key for key, _hours in evaluation.scored_after_hours}
    if missing:
        raise table.error("scored_after_hours", f"missing for {', '.join(sorted(missing))}")
    return evaluation


def _selection(table: Table) -> DemoSelection:
    selection = DemoSelection(
        shortlisted_after_hours=table.number("shortlisted_after_hours"),
        decided_before_end_hours=table.number("decided_before_end_hours"),
    )
    table.done()
    return selection


def _optional(table: Table, key: str, read):
    section = table.optional_table(key)
    return None if section is None else read(section)


def _challenge(table: Table, slug: str) -> DemoChallenge:
    challenge = DemoChallenge(
        slug=slug,
        title=table.text("title"),
        summary=table.text("summary"),
        problem_statement=table.text("problem_statement"),
        goals=table.text("goals", default=""),
        needs=table.text("needs", default=""),
        audience=table.choice("audience", Audience.values),
        innovation_types=table.texts("innovation_types", choices=InnovationType.values),
        tags=table.texts("tags", default=()),
        lead=table.text("lead"),
        sponsor=table.text("sponsor", default=""),
        supported_by=table.choice("supported_by", SUPPORTERS),
        phases=_phases(table),
        timeline=_timeline(table),
        ideas=_ideas(table),
        event=_optional(table, "event", _event),
        moderation_case=_optional(table, "moderation_case", _moderation_case),
        merge=_optional(table, "merge", _merge),
        scorecard=_optional(table, "scorecard", _scorecard),
        pairwise=_optional(table, "pairwise", _pairwise),
        review=_optional(table, "review", _review),
        evaluation=_optional(table, "evaluation", _evaluation),
        selection=_optional(table, "selection", _selection),
    )
    table.done()
    check_challenge(table, challenge)
    return challenge


def _organisation(
    root: Path, folder: Path, platform_people: dict[str, DemoPerson]
) -> DemoOrganisation:
    slug = folder.name
    about = read_file(folder / "organisation.toml", root)
    profile = about.table("profile")
    profile_fields = {
        "summary": profile.text("summary"),
        "country": profile.text("country"),
        "level": profile.choice("level", Level.values),
        "population_served": profile.integer("population_served"),
        "time_zone": profile.text("time_zone"),
        "website": profile.text("website", default=""),
        "governance_notes": profile.text("governance_notes", default=""),
    }
    profile.done()
    order = about.texts("challenges", default=())
    name = about.text("name")
    sectors = about.texts("sectors", choices=Cofog.values)
    joined_days_ago = about.integer("joined_days_ago", default=0)
    about.done()

    people_file = read_file(folder / "people.toml", root)
    members = tuple(_person(table, roles=True) for table in people_file.tables("members"))
    residents = tuple(
        _person(table, roles=False) for table in people_file.tables("residents", default=[])
    )
    people_file.done()

    policy = None
    if (folder / "ledger.toml").exists():
        ledger_file = read_file(folder / "ledger.toml", root)
        policy_table = ledger_file.table("policy")
        policy = {key: policy_table.text(key) for key in ("title", "version", "summary")}
        policy["applies_from"] = policy_table.text("applies_from")
        policy_table.done()
        ledger_file.done()

    challenges = []
    files = sorted((folder / "challenges").glob("*.toml"))
    unlisted = sorted({path.stem for path in files} - set(order))
    if unlisted:
        raise about.error("challenges", f"does not list {', '.join(unlisted)} (in challenges/)")
    for challenge_slug in order:
        path = folder / "challenges" / f"{challenge_slug}.toml"
        challenges.append(_challenge(read_file(path, root), challenge_slug))

    idea_box = None
    if (folder / "idea-box.toml").exists():
        box_file = read_file(folder / "idea-box.toml", root)
        idea_box = DemoIdeaBox(
            supported_by=box_file.choice("supported_by", SUPPORTERS),
            timeline=_timeline(box_file),
            ideas=_ideas(box_file),
        )
        box_file.done()

    organisation = DemoOrganisation(
        slug=slug,
        name=name,
        sectors=sectors,
        profile=profile_fields,
        members=members,
        residents=residents,
        joined_days_ago=joined_days_ago,
        ledger_policy=policy,
        challenges=tuple(challenges),
        idea_box=idea_box,
    )
    check_people_named(root, folder, organisation, platform_people)
    return organisation


def load_content(root: Path = ROOT) -> DemoContent:
    """Read and check every content file under `root`."""
    platform = read_file(root / "platform.toml", root)
    administrator_table = platform.table("administrator")
    administrator = _person(administrator_table, roles=False)
    residents = tuple(_person(table, roles=False) for table in platform.tables("residents"))
    order = platform.texts("organisations")
    platform.done()
    folders = {path.name for path in root.iterdir() if (path / "organisation.toml").exists()}
    unlisted = sorted(folders - set(order))
    if unlisted:
        raise platform.error("organisations", f"does not list {', '.join(unlisted)}")
    platform_people = {person.key: person for person in (administrator, *residents)}
    organisations = tuple(_organisation(root, root / slug, platform_people) for slug in order)
    content = DemoContent(
        administrator=administrator, residents=residents, organisations=organisations
    )
    check_unique_people(content)
    return content
