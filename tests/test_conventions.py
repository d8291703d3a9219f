"""What every civiclab app brings with it, checked by walking the installed apps.

An app that forgets one of these fails here with its name and what is missing: its place in
the import contracts, type checking of its services, selectors, rules, predicates and access
modules, a personal-data registration for every model that links to a person, factories and a
conftest.py for its tests, and a permission matrix naming each of its rules.
"""

import ast
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from rules.permissions import permissions

from civiclab.core import personal_data

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "civiclab"
TESTS = ROOT / "tests"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

TYPED_KINDS = ("services", "selectors", "rules", "predicates", "access")

# Apps whose tests build their rows another way, and why.
FACTORIES_ELSEWHERE = {
    "accounts": "people are every app's concern: UserFactory lives in tests/factories.py",
    "organisations": "every app's tests need organisations: tests/factories.py has them",
    "core": "its rows are written only by its own services (audit_record, job_start, notify)",
    "ledger": "entries exist only through ledger_append, which its tests call",
}
# Apps not yet in the "inside each app" contract, and why.
LAYERED_LATER: dict[str, str] = {}
# Apps whose typed kinds are not yet all under mypy, and why.
NOT_YET_TYPED: dict[str, str] = {}


def civiclab_apps():
    return [config for config in apps.get_app_configs() if config.name.startswith("civiclab.")]


APPS = civiclab_apps()
IDS = [config.label for config in APPS]


def _contract(name_start: str) -> dict:
    return next(
        contract
        for contract in PYPROJECT["tool"]["importlinter"]["contracts"]
        if contract["name"].startswith(name_start)
    )


@pytest.mark.parametrize("config", APPS, ids=IDS)
def test_every_app_has_its_place_in_the_dependency_layers(config):
    layers = _contract("apps depend only downwards")["layers"]
    assert any(config.name in layer.split("|") or layer == config.name for layer in layers), (
        f"{config.name} is not in the apps layers contract in pyproject.toml"
    )


@pytest.mark.parametrize("config", APPS, ids=IDS)
def test_every_app_keeps_its_kinds_in_layers(config):
    containers = _contract("inside each app")["containers"]
    if config.label == "demo":
        pytest.skip("the demo app holds commands and seeding steps, not kinds")
    if config.label in LAYERED_LATER:
        pytest.skip(LAYERED_LATER[config.label])
    assert config.name in containers, (
        f"{config.name} is not a container of the 'inside each app' contract in pyproject.toml"
    )


def _kind_paths(label: str) -> list[Path]:
    app = SOURCE / label
    found = []
    for kind in TYPED_KINDS:
        for candidate in (app / f"{kind}.py", app / kind):
            if candidate.exists():
                found.append(candidate)
    return found


def _typed(path: Path) -> bool:
    files = [ROOT / entry for entry in PYPROJECT["tool"]["mypy"]["files"]]
    return any(path == entry or entry in path.parents for entry in files)


@pytest.mark.parametrize("config", APPS, ids=IDS)
def test_every_apps_services_selectors_rules_and_access_are_type_checked(config):
    if config.label in NOT_YET_TYPED:
        pytest.skip(NOT_YET_TYPED[config.label])
    untyped = [str(p.relative_to(ROOT)) for p in _kind_paths(config.label) if not _typed(p)]
    assert not untyped, f"not in [tool.mypy] files: {untyped}"


def test_annotations_are_required_exactly_where_mypy_checks():
    """Ruff's ANN rules are off everywhere but the [tool.mypy] files (one negated glob)."""
    files = PYPROJECT["tool"]["mypy"]["files"]
    globs = ",".join(f"{entry}/**" if (ROOT / entry).is_dir() else entry for entry in files)
    ignores = PYPROJECT["tool"]["ruff"]["lint"]["per-file-ignores"]
    assert "ANN" in PYPROJECT["tool"]["ruff"]["lint"]["select"]
    assert ignores.get(f"!{{{globs}}}") == ["ANN"], (
        "the ANN per-file-ignore in pyproject.toml must name exactly the [tool.mypy] files: "
        f'"!{{{globs}}}" = ["ANN"]'
    )


def test_apps_waiting_to_be_typed_still_have_something_to_type():
    for label in NOT_YET_TYPED:
        assert any(not _typed(p) for p in _kind_paths(label)), (
            f"{label} is fully typed now: take it off NOT_YET_TYPED"
        )


@pytest.mark.parametrize("config", APPS, ids=IDS)
def test_every_model_that_links_to_a_person_is_in_the_personal_data_registry(config):
    uncovered = [
        label for label in personal_data.uncovered_models() if label.startswith(config.label + ".")
    ]
    assert not uncovered, f"register or exclude in personal_data: {uncovered}"


@pytest.mark.parametrize("config", APPS, ids=IDS)
def test_every_apps_tests_have_factories_and_a_conftest(config):
    folder = TESTS / config.label
    if not any(True for _ in config.get_models()):
        pytest.skip("an app without models has nothing for its tests to build")
    assert (folder / "conftest.py").exists(), f"tests/{config.label}/conftest.py is missing"
    if config.label not in FACTORIES_ELSEWHERE:
        assert (folder / "factories.py").exists(), f"tests/{config.label}/factories.py is missing"


def _named_in_permission_matrices() -> set[str]:
    named = set()
    for path in TESTS.rglob("test_*.py"):
        text = path.read_text()
        if "assert_permission_matrix" not in text:
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                named.add(node.value)
    return named


@pytest.mark.parametrize("config", APPS, ids=IDS)
def test_every_rule_has_a_permission_matrix(config):
    named = _named_in_permission_matrices()
    rules_of_app = sorted(name for name in permissions if name.split(".")[0] == config.label)
    missing = [name for name in rules_of_app if name not in named]
    assert not missing, f"no permission-matrix test names {missing} (see tests/permissions.py)"
