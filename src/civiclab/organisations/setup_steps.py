"""What a new organisation starts with in other apps, without organisations importing them.

An app that sets something up for every new organisation (challenges opens its idea box)
registers a step in its AppConfig.ready():

    from civiclab.organisations import setup_steps

    setup_steps.register("challenges.idea_box", open_idea_box)

`organisation_create` and the admin's save of a new organisation run every step, in
registration order, inside the transaction that creates the organisation: the organisation
and what it starts with are written together or not at all. Rows made any other way (test
factories, fixtures, data migrations) get nothing, so each step must also cope with an
organisation that lacks what it sets up.
"""

from collections.abc import Callable

from .models import Organisation

SetupStep = Callable[[Organisation], object]

_steps: dict[str, SetupStep] = {}


def register(key: str, step: SetupStep) -> None:
    """Run `step(organisation)` for every organisation created from now on (once per key)."""
    _steps[key] = step


def run(organisation: Organisation) -> None:
    """Run every registered step for a newly created organisation, in the caller's
    transaction."""
    for step in _steps.values():
        step(organisation)


def registered() -> list[str]:
    return list(_steps)
