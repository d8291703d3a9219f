"""Every address that names an object answers an outsider about a draft, staff-only or
invitation-only object exactly as it answers about one that does not exist: the 404 policy
of `core.access`, checked over every URL pattern of the site and the API.

The walk needs no list of addresses. It reads the URL resolver; for each pattern whose view
lives in an app with a "hidden world" (`tests/<app>/hidden.py`, `hidden_world(organisation)`)
and that names something below an organisation, it fills each parameter with every id (or
slug) of that world and with an id that exists nowhere, and compares the two answers for
every method the address takes. An app that adds pages or endpoints is walked as soon as it
has a hidden world.
"""

import importlib
import inspect
import itertools
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from civiclab.discussion.registry import discussables
from tests.factories import OrganisationFactory, UserFactory

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
MISSING_ID = 2_000_000_000
MISSING_SLUG = "no-such-thing"
# Words a `<str:action>` parameter takes; anything else is 404 for everyone.
ACTIONS = ("hide", "restore", "dismiss")
PAGE_METHODS = ("get", "post")


@dataclass(frozen=True)
class Address:
    route: str
    methods: tuple[str, ...]
    parameters: tuple[tuple[str, str], ...]  # (converter, name)


def hidden_worlds():
    """(module prefix of the app's views, its hidden_world function) for each app that has one."""
    for config in apps.get_app_configs():
        if not config.name.startswith("civiclab."):
            continue
        try:
            module = importlib.import_module(f"tests.{config.label}.hidden")
        except ModuleNotFoundError:
            continue
        yield config.name, module.hidden_world


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _views_of(callback) -> list[tuple[str, tuple[str, ...]]]:
    """(module, methods) of what answers at a pattern: a Django view, or ninja's operations."""
    if not callback.__module__.startswith("ninja"):
        return [(callback.__module__, PAGE_METHODS)]
    callback = inspect.unwrap(callback)  # the API wraps ninja's views (HEAD, caching)
    path_view = next(
        cell.cell_contents
        for cell in callback.__closure__ or ()
        if hasattr(cell.cell_contents, "operations")
    )
    return [
        (operation.view_func.__module__, tuple(m.lower() for m in operation.methods))
        for operation in path_view.operations
    ]


def _names_the_organisation_only(route: str, parameters) -> bool:
    names = [name for _converter, name in parameters]
    if names == ["org_slug"]:
        return True
    return names == ["slug"] and re.search(r"organisations/<(\w+:)?slug>", route) is not None


def addresses(app_name: str) -> list[Address]:
    found = []
    for route, callback in _walk(get_resolver().url_patterns):
        parameters = tuple((m["converter"] or "str", m["name"]) for m in PARAMETER.finditer(route))
        if not parameters or _names_the_organisation_only(route, parameters):
            continue
        methods = tuple(
            sorted(
                {m for module, ms in _views_of(callback) if module.startswith(app_name) for m in ms}
            )
        )
        if methods:
            found.append(Address(route, methods, parameters))
    return found


def _segments() -> list[str]:
    """The address segments of the discussable models ("ideas"): `<discussable:on>`."""
    return sorted(d.segment for d in discussables())


def _candidates(name: str, converter: str, objects: list, organisation) -> list[str]:
    if name == "org_slug":
        return [organisation.slug]
    if converter == "discussable":
        return _segments()
    if name == "action":
        return list(ACTIONS)
    if converter == "slug" or name == "slug":
        return sorted({obj.slug for obj in objects if hasattr(obj, "slug")})
    return sorted({str(obj.pk) for obj in objects if isinstance(obj.pk, int)})


def _missing(name: str, organisation, converter: str = "") -> str:
    if name == "org_slug":
        return organisation.slug
    if converter == "discussable":
        return _segments()[0]
    if name == "action":
        return ACTIONS[0]
    return MISSING_SLUG if name == "slug" else str(MISSING_ID)


def _fill(route: str, values: dict[str, str]) -> str:
    return "/" + PARAMETER.sub(lambda m: values[m["name"]], route)


def _answer(client: Client, method: str, url: str) -> int:
    send = getattr(client, method)
    if url.startswith("/api/") and method != "get":
        return send(url, data="{}", content_type="application/json").status_code
    return send(url).status_code


def answers_for(client, address: Address, objects, organisation):
    """(url, method, status) for every filling of the address from `objects`."""
    names = [name for _converter, name in address.parameters]
    choices = [
        _candidates(name, converter, objects, organisation)
        for converter, name in address.parameters
    ]
    for combination in itertools.product(*choices):
        url = _fill(address.route, dict(zip(names, combination, strict=True)))
        for method in address.methods:
            yield url, method, _answer(client, method, url)


@pytest.fixture
def outsider_client(db):
    """A confirmed resident who belongs to another organisation."""
    client = Client()
    client.force_login(UserFactory())
    return client


WORLDS = list(hidden_worlds())
# Discussion's other pages act on one's own comment or need a moderator: four GETs remain
# (the comments API, the reply form and the two report forms).
REACHABLE_AT_LEAST = {"civiclab.discussion": 4}


@pytest.mark.parametrize(("app_name", "hidden_world"), WORLDS, ids=[w[0] for w in WORLDS])
def test_hidden_objects_answer_outsiders_like_missing_ones(outsider_client, app_name, hidden_world):
    organisation = OrganisationFactory()
    objects = hidden_world(organisation)
    walked = addresses(app_name)
    assert walked, f"no address of {app_name} names an object"
    leaks = []
    for address in walked:
        missing_url = _fill(
            address.route,
            {
                name: _missing(name, organisation, converter)
                for converter, name in address.parameters
            },
        )
        missing = {m: _answer(outsider_client, m, missing_url) for m in address.methods}
        for url, method, status in answers_for(outsider_client, address, objects, organisation):
            if status != missing[method] or status not in (404, 405, 422):
                leaks.append(f"{method.upper()} {url}: {status} (missing: {missing[method]})")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize(("app_name", "hidden_world"), WORLDS, ids=[w[0] for w in WORLDS])
def test_the_walk_reaches_objects_an_outsider_may_see(outsider_client, app_name, hidden_world):
    """The same walk over public objects gets past the 404s, so the check above can fail."""
    organisation = OrganisationFactory()
    objects = hidden_world(organisation, public=True)
    reached = {
        address.route
        for address in addresses(app_name)
        for _url, method, status in answers_for(outsider_client, address, objects, organisation)
        if method == "get" and status == 200
    }
    assert len(reached) >= REACHABLE_AT_LEAST.get(app_name, 5), reached
