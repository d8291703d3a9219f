"""Audit actions: only registered enum members reach the trail, and every one has a label.

The walk reads every `audit_record(...)` call under `src/civiclab` and resolves its `action`
to the members it can be (through conditionals, local variables and lookup tables), so an
action written as a string, an f-string or an undeclared member fails here before it runs.
"""

import ast
import importlib
import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise

import civiclab
from civiclab.core import audit
from civiclab.core.models import AuditEvent
from civiclab.core.services import audit_record
from civiclab.organisations.audit import AuditAction as OrganisationAction

SRC = Path(civiclab.__file__).parent
CODE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


class Unresolved(Exception):
    pass


class ActionWalker:
    """Resolves the `action` of each `audit_record` call in one module to the values it can take."""

    def __init__(self, source: str, namespace: dict[str, Any], where: str):
        self.tree = ast.parse(source)
        self.namespace = namespace
        self.where = where
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent

    def calls(self):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and self._name(node.func) == "audit_record":
                yield node

    def actions(self) -> tuple[list[Any], list[str]]:
        """Every value an action can take, and the calls whose action cannot be resolved."""
        values: list[Any] = []
        problems: list[str] = []
        for call in self.calls():
            action = next((k.value for k in call.keywords if k.arg == "action"), None)
            try:
                if action is None:
                    raise Unresolved("no action= argument")
                values.extend(self._resolve(action, self._function_of(call)))
            except Unresolved as reason:
                problems.append(f"{self.where}:{call.lineno}: {reason}")
        return values, problems

    @staticmethod
    def _name(node: ast.AST) -> str:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        return ""

    def _function_of(self, node: ast.AST) -> ast.AST | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    def _resolve(self, node: ast.expr, function: ast.AST | None) -> list[Any]:
        if isinstance(node, ast.IfExp):
            return self._resolve(node.body, function) + self._resolve(node.orelse, function)
        if isinstance(node, ast.Name) and function is not None:
            assigned = [
                statement.value
                for statement in ast.walk(function)
                if isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == node.id for t in statement.targets)
            ]
            if assigned:
                return [value for expr in assigned for value in self._resolve(expr, function)]
        if isinstance(node, ast.Subscript):
            table = self._lookup(node.value)
            if not isinstance(table, dict):
                raise Unresolved(f"{ast.unparse(node.value)} is not a table of actions")
            return list(table.values())
        if isinstance(node, ast.Name | ast.Attribute):
            return [self._lookup(node)]
        raise Unresolved(f"action={ast.unparse(node)} does not name an audit enum member")

    def _lookup(self, node: ast.expr) -> Any:
        path: list[str] = []
        while isinstance(node, ast.Attribute):
            path.insert(0, node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.namespace:
            raise Unresolved(f"cannot resolve {ast.unparse(node)}")
        value = self.namespace[node.id]
        for attr in path:
            if not hasattr(value, attr):
                raise Unresolved(f"{ast.unparse(node)} has no member {attr}")
            value = getattr(value, attr)
        return value


def source_modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or "audit_record(" not in path.read_text():
            continue
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield path, name


def recorded_actions() -> tuple[list[Any], list[str]]:
    values: list[Any] = []
    problems: list[str] = []
    for path, name in source_modules():
        module = importlib.import_module(name)
        walker = ActionWalker(path.read_text(), vars(module), str(path.relative_to(SRC.parent)))
        found, unresolved = walker.actions()
        values += found
        problems += unresolved
        problems += [
            f"{path.relative_to(SRC.parent)}: {value!r} is not a registered audit action"
            for value in found
            if not audit.is_registered_action(value)
        ]
    return values, problems


def registered_members() -> list[models.TextChoices]:
    return [member for enum in audit.registered_actions() for member in enum]


# The walk -------------------------------------------------------------------------------------


def test_every_audit_record_call_names_a_registered_member():
    values, problems = recorded_actions()
    assert problems == [], "Declare these actions in the app's audit.py:\n" + "\n".join(problems)
    assert len(values) > 40  # the walk really read the services


def test_every_declared_action_is_recorded_somewhere():
    values, _problems = recorded_actions()
    unused = sorted(m.value for m in registered_members() if m not in set(values))
    assert unused == [], f"Declared but never recorded: {unused}"


def test_the_walk_notices_strings_f_strings_and_undeclared_members():
    source = """
def service(kind, item):
    audit_record(actor=None, action="organisations.updated")
    audit_record(actor=None, action=f"organisations.{kind}")
    audit_record(actor=None, action=AuditAction.NOT_DECLARED)
    audit_record(actor=None, action=AuditAction.UPDATED if item else "organisations.created")
    audit_record(actor=None)
"""
    walker = ActionWalker(source, {"AuditAction": OrganisationAction}, "service.py")
    values, problems = walker.actions()
    assert [line.split(":")[1] for line in problems] == ["3", "4", "5", "6", "7"]
    assert values == []


def test_the_walk_follows_conditionals_local_variables_and_tables():
    source = """
def service(kind, adding):
    audit_record(action=AuditAction.CREATED if adding else AuditAction.UPDATED)
    if adding:
        action = AuditAction.MEMBER_ADDED
    else:
        action = AuditAction.MEMBER_REMOVED
    audit_record(action=action)
    audit_record(action=TABLE[kind])
"""
    namespace = {
        "AuditAction": OrganisationAction,
        "TABLE": {"sent": OrganisationAction.INVITATION_SENT},
    }
    values, problems = ActionWalker(source, namespace, "service.py").actions()
    assert problems == []
    assert values == [
        OrganisationAction.CREATED,
        OrganisationAction.UPDATED,
        OrganisationAction.MEMBER_ADDED,
        OrganisationAction.MEMBER_REMOVED,
        OrganisationAction.INVITATION_SENT,
    ]


# The registry ---------------------------------------------------------------------------------


def test_every_app_that_records_actions_declares_and_registers_them():
    recording = {name.split(".")[1] for _path, name in source_modules()} - {"core"}
    assert {"accounts", "organisations", "challenges"} <= recording
    registered = audit.registered_actions()
    for config in apps.get_app_configs():
        if not config.name.startswith("civiclab.") or config.name == "civiclab.core":
            continue
        declared = None
        if importlib.util.find_spec(f"{config.name}.audit") is not None:
            module = importlib.import_module(f"{config.name}.audit")
            declared = getattr(module, "AuditAction", None)
        if config.label in recording:
            assert declared is not None, f"{config.name} records actions without audit.py"
        if declared is not None:
            assert declared in registered, f"{config.name} does not register its AuditAction"


def test_every_action_has_a_code_and_a_translatable_label_of_its_own():
    members = registered_members()
    assert {"organisations", "accounts", "challenges"} <= {m.value.split(".")[0] for m in members}
    for member in members:
        assert CODE.match(member.value), member.value
        assert isinstance(member.label, Promise), f"{member.value}: the label is not translatable"
        assert str(member.label).strip() and str(member.label) != member.value, member.value
    labels = [str(member.label) for member in members]
    doubled = sorted({label for label in labels if labels.count(label) > 1})
    assert doubled == [], f"Two actions read the same on the audit trail: {doubled}"


def test_a_code_cannot_be_declared_by_two_enums():
    class Clash(models.TextChoices):
        UPDATED = "organisations.updated", "Updated again"

    with pytest.raises(ImproperlyConfigured, match=r"organisations\.updated"):
        audit.register_actions(Clash)
    assert audit.action_label("organisations.updated") == str(OrganisationAction.UPDATED.label)
    assert Clash not in audit.registered_actions()


def test_registering_an_enum_again_changes_nothing():
    before = audit.registered_actions()
    audit.register_actions(OrganisationAction)
    assert audit.registered_actions() == before


def test_only_text_choices_can_be_registered():
    with pytest.raises(TypeError):
        audit.register_actions(dict)  # type: ignore[arg-type]


def test_labels_come_from_the_registry_and_unknown_codes_stay_as_they_are():
    assert audit.action_label("organisations.member_added") == "Member added"
    assert audit.action_label("organisations.long_retired") == "organisations.long_retired"


# Recording ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_plain_string_is_refused_and_nothing_is_written():
    with pytest.raises(TypeError, match="registered audit action"):
        audit_record(actor=None, action="organisations.updated")  # type: ignore[arg-type]
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_member_of_an_unregistered_enum_is_refused():
    class Unregistered(models.TextChoices):
        SOMETHING = "elsewhere.something", "Something"

    with pytest.raises(TypeError):
        audit_record(actor=None, action=Unregistered.SOMETHING)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_member_is_stored_as_its_code():
    audit_record(actor=None, action=OrganisationAction.MEMBER_ADDED)
    event = AuditEvent.objects.get()
    assert type(event.action) is str
    assert event.action == "organisations.member_added"
    assert event.action_label == "Member added"
