import ast
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import timezone

import civiclab
from civiclab.core import clock


def test_now_is_the_real_time_outside_as_of():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()


def test_as_of_sets_the_moment_for_the_block_only():
    moment = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    with clock.as_of(moment):
        assert clock.now() == moment
        assert clock.today().isoformat() == "2024-03-01"
    assert clock.now() != moment


def test_as_of_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"), clock.as_of(datetime(2024, 3, 1, 12, 0)):
        pass


# Reading the time anywhere but through the clock: calls that return "now", and the two
# functions of django.utils.timezone that default to it when called without a value.
NOW_CALLS = {
    ("timezone", "now"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}
NOW_WITHOUT_ARGUMENT = {("timezone", "localtime"), ("timezone", "localdate")}
NOW_IMPORTS = {
    ("django.utils.timezone", "now"),
    ("django.utils.timezone", "localtime"),
    ("django.utils.timezone", "localdate"),
    ("time", "time"),
}

SOURCE = Path(civiclab.__file__).parent

# What may read the time itself, and why: a file (or folder, ending in "/") with the reads it
# may make, or None for any.
ALLOWED: dict[str, set[str] | None] = {
    "core/clock.py": None,  # the seam itself
    # Django stamps `auto_now`/`auto_now_add` fields with timezone.now() on its own. The one
    # explicit default, User.date_joined, is frozen in accounts' initial migration: pointing it
    # at the clock would need a new migration for the same value. A reference, not a call.
    "accounts/models.py": {"timezone.now"},
}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else ""


def _reads_of_the_time(tree: ast.AST) -> Iterator[tuple[int, str]]:
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            pair = (_name(node.value), node.attr)
            if pair in NOW_CALLS:
                yield node.lineno, ".".join(pair) + ("()" if id(node) in called else "")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            pair = (_name(node.func.value), node.func.attr)
            if pair in NOW_WITHOUT_ARGUMENT and not (node.args or node.keywords):
                yield node.lineno, ".".join(pair) + "()"
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (node.module, alias.name) in NOW_IMPORTS:
                    yield node.lineno, f"from {node.module} import {alias.name}"


def _allowed(relative: str, what: str) -> bool:
    for place, reads in ALLOWED.items():
        if relative == place or (place.endswith("/") and relative.startswith(place)):
            return reads is None or what in reads
    return False


def test_the_platform_reads_the_time_only_through_the_clock():
    """Services, selectors, rules, models, views, tags and tasks ask `core.clock`, so a
    test that travels in time (or the demo replaying history with `as_of`) moves them all."""
    offences = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if "/migrations/" in f"/{relative}":
            continue
        for line, what in _reads_of_the_time(ast.parse(path.read_text(), filename=str(path))):
            if not _allowed(relative, what):
                offences.append(f"{relative}:{line}: {what}; use civiclab.core.clock")
    assert not offences, "\n".join(offences)


def test_the_walk_finds_each_way_of_reading_the_time():
    source = """
from django.utils import timezone
from django.utils.timezone import now
import datetime, time
a = timezone.now()
b = datetime.datetime.now(tz=None)
c = datetime.date.today()
d = time.time()
e = timezone.localtime()
f = timezone.localtime(a)
g = models.DateTimeField(default=timezone.now)
"""
    found = [what for _, what in sorted(_reads_of_the_time(ast.parse(source)))]
    assert found == [
        "from django.utils.timezone import now",
        "timezone.now()",
        "datetime.now()",
        "date.today()",
        "time.time()",
        "timezone.localtime()",
        "timezone.now",
    ]
    assert not _allowed("accounts/models.py", "timezone.now()")
    assert _allowed("accounts/models.py", "timezone.now")
    assert not _allowed("demo/seed.py", "timezone.now()")
