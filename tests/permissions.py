"""A reusable permission-matrix check: actor x object state -> allowed or denied.

Every app uses it to prove its named rules for every kind of person, including people of
another organisation (cross-organisation isolation). Example, for a rule on challenges:

    from tests.permissions import assert_permission_matrix, only

    def test_who_may_edit_a_challenge(db):
        assert_permission_matrix(
            "challenges.change_challenge",
            lambda organisation: ChallengeFactory(organisation=organisation),
            states={
                "draft": lambda challenge: None,
                "closed": close_challenge,        # changes the object, saves it
                "in review": lambda challenge: during(challenge, "review"),
            },
            expected={
                "draft": only("platform_admin", "admin", "innovation_lead"),
                "closed": only("platform_admin"),
                "in review": only("platform_admin", "admin", "innovation_lead"),
            },
        )

The actors (see `ACTORS`): "anonymous"; "unconfirmed_citizen" (signed in, no role anywhere,
e-mail address not confirmed: reads like a citizen, takes part in nothing); "citizen" (signed
in, no role anywhere, address confirmed);
"platform_admin" (a superuser); one person per organisation role (`Role` values: "admin",
"innovation_lead", ...) holding only that role in the object's organisation;
"admin_of_other_org" and "member_of_other_org" (every role, in another organisation).

`expected` maps every actor to True/False (use `only(...)` and `everyone_except(...)`), or maps
each state name to such a map. Without `states` the object is checked as created. On failure
the whole matrix is printed, expected against actual, with the wrong cells marked.

A state callable may return a context manager (a time machine from
`tests.challenges.factories.during`, say): the state's people are made and its cells checked
inside it.

By default a cell is `user.has_perm(perm, obj)`; pass `check=lambda user, obj: ...` to test
something else (a service call, say) the same way.
"""

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, ExitStack
from typing import Any

from django.contrib.auth.models import AnonymousUser

from civiclab.organisations.models import Role
from civiclab.organisations.predicates import organisation_of
from tests.factories import OrganisationFactory, UserFactory, member

ROLE_ACTORS = tuple(Role.values)
ACTORS = (
    "anonymous",
    "unconfirmed_citizen",
    "citizen",
    "platform_admin",
    *ROLE_ACTORS,
    "admin_of_other_org",
    "member_of_other_org",
)
AS_CREATED = "as created"


def only(*actors: str) -> dict[str, bool]:
    """A row of the matrix: the named actors are allowed, everyone else is denied."""
    _check_names(actors)
    return {actor: actor in actors for actor in ACTORS}


def everyone_except(*actors: str) -> dict[str, bool]:
    """A row of the matrix: everyone is allowed except the named actors."""
    _check_names(actors)
    return {actor: actor not in actors for actor in ACTORS}


def _check_names(actors) -> None:
    unknown = set(actors) - set(ACTORS)
    if unknown:
        raise ValueError(f"Unknown actors {sorted(unknown)}; choose from {ACTORS}")


def make_actors(organisation) -> dict[str, Any]:
    """One fresh user per actor, with roles in `organisation` or in a new other organisation."""
    other = OrganisationFactory()
    actors: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "unconfirmed_citizen": UserFactory(email_confirmed_at=None),
        "citizen": UserFactory(),
        "platform_admin": UserFactory(is_superuser=True, is_staff=True),
    }
    for role in ROLE_ACTORS:
        actors[role] = member(organisation, role)
    actors["admin_of_other_org"] = member(other, Role.ADMIN)
    actors["member_of_other_org"] = member(other, *ROLE_ACTORS)
    return actors


def assert_permission_matrix(
    perm: str,
    obj_factory: Callable[[Any], Any] | None = None,
    expected: Mapping[str, Any] | None = None,
    *,
    states: Mapping[str, Callable[[Any], Any]] | None = None,
    check: Callable[[Any, Any], bool] | None = None,
) -> None:
    """Fail, printing the full matrix, unless every actor in every state gets `expected`.

    `obj_factory(organisation)` builds the object (default: the organisation itself); it may
    return None for permissions that take no object.
    `states` maps a name to a callable that puts the object into that state, or returns a
    context manager (a time machine) within which the object is in that state.
    """
    states = dict(states or {AS_CREATED: lambda obj: None})
    expected_by_state = _expected_by_state(expected or {}, states)
    check = check or (lambda user, obj: user.has_perm(perm, obj))
    actual: dict[str, dict[str, bool]] = {}
    for state, put_in_state in states.items():
        organisation = OrganisationFactory()
        obj = obj_factory(organisation) if obj_factory else organisation
        with ExitStack() as stack:
            in_state = put_in_state(obj)
            if isinstance(in_state, AbstractContextManager):
                stack.enter_context(in_state)
            # Roles go to the object's own organisation (the factory may choose another one);
            # objects without one, or no object at all, use the organisation made for the state.
            users = make_actors(organisation_of(obj) or organisation)
            actual[state] = {actor: bool(check(user, obj)) for actor, user in users.items()}
    if actual != expected_by_state:
        raise AssertionError(_format(perm, expected_by_state, actual))


def _expected_by_state(expected, states) -> dict[str, dict[str, bool]]:
    per_state = set(expected) <= set(states) and all(
        isinstance(value, Mapping) for value in expected.values()
    )
    table = (
        {state: dict(expected[state]) for state in expected}
        if per_state and expected
        else {state: dict(expected) for state in states}
    )
    missing_states = set(states) - set(table)
    if missing_states:
        raise ValueError(f"No expectation for states {sorted(missing_states)}")
    for state, row in table.items():
        if set(row) != set(ACTORS):
            raise ValueError(
                f"State {state!r}: expected must name every actor exactly; "
                f"missing {sorted(set(ACTORS) - set(row))}, "
                f"unknown {sorted(set(row) - set(ACTORS))}"
            )
    return table


def _format(perm: str, expected, actual) -> str:
    def cell(want: bool, got: bool) -> str:
        text = ("allow" if got else "deny") + (
            "" if want == got else f" (expected {'allow' if want else 'deny'}) <--"
        )
        return text

    states = list(actual)
    width = max(len(actor) for actor in ACTORS) + 2
    column = max(34, *(len(state) + 2 for state in states))
    lines = [f"Permission matrix for {perm!r} does not match:", ""]
    lines.append("actor".ljust(width) + "".join(state.ljust(column) for state in states))
    for actor in ACTORS:
        row = "".join(
            cell(expected[state][actor], actual[state][actor]).ljust(column) for state in states
        )
        lines.append(actor.ljust(width) + row)
    return "\n".join(lines)
