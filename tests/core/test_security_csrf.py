"""CSRF across the whole site: with a signed-in browser session and no CSRF token, no unsafe
request (any API operation, any page's POST) changes anything; GET requests change nothing
either (audit rows of exports aside, which record a read)."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLResolver, get_resolver

from civiclab.organisations.models import Role
from tests.challenges.factories import ChallengeFactory, IdeaFactory
from tests.factories import member

pytestmark = pytest.mark.django_db

IGNORED_TABLES = ("DJANGO_SESSION", "LAST_LOGIN", "CORE_AUDITEVENT")


def routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


class Writes:
    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        statement = sql.lstrip().upper()
        if statement.startswith(("INSERT", "UPDATE", "DELETE")) and not any(
            table in statement for table in IGNORED_TABLES
        ):
            self.seen.append(sql[:80])
        return execute(sql, params, many, context)


@pytest.fixture
def world():
    challenge = ChallengeFactory()
    idea = IdeaFactory(challenge=challenge)
    comment = idea.comments.create(author=idea.author, body="A comment")
    person = member(challenge.organisation, *[role for role, _label in Role.choices])
    person.is_superuser = True
    person.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    values = {
        "org_slug": challenge.organisation.slug,
        "slug": challenge.slug,
        "pk": idea.pk,
        "idea_id": idea.pk,
        "challenge_id": challenge.pk,
        "comment_pk": comment.pk,
        "comment_id": comment.pk,
        "action": "hide",
    }
    return client, values


def fill(route: str, values: dict) -> str:
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), 1)), route)
    return "/" + re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), 1)), route)


def test_no_api_write_without_the_csrf_token(world):
    client, values = world
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    failures = []
    for path, operations in paths.items():
        for method in operations.keys() & {"post", "put", "patch", "delete"}:
            writes = Writes()
            with connection.execute_wrapper(writes):
                response = getattr(client, method)(
                    fill(path.lstrip("/"), values), json.dumps({}), content_type="application/json"
                )
            if response.status_code not in (401, 403, 404, 405) or writes.seen:
                failures.append((method, path, response.status_code, writes.seen))
    assert not failures


def test_no_page_post_without_the_csrf_token_and_no_get_writes(world):
    client, values = world
    failures = []
    for route in sorted(set(routes(get_resolver().url_patterns))):
        if route.startswith(("admin/", "api/v1/")):
            continue
        url = fill(route, values)
        writes = Writes()
        with connection.execute_wrapper(writes):
            got = client.get(url)
        if writes.seen:
            failures.append(("GET", url, got.status_code, writes.seen))
        writes = Writes()
        with connection.execute_wrapper(writes):
            posted = client.post(url, {"body": "x", "reason": "x", "title": "x"})
        if posted.status_code not in (403, 404, 405) or writes.seen:
            failures.append(("POST", url, posted.status_code, writes.seen))
    assert not failures
