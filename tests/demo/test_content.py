"""The demo's content files: read and checked before anything is seeded, with mistakes named
by file and key."""

import shutil
from pathlib import Path

import pytest

from civiclab.demo.content import ROOT, DemoContentError, demo_content, load_content
from civiclab.organisations.models import Role


def test_the_content_names_every_role_in_each_organisation_and_people_once():
    content = demo_content()
    assert [organisation.slug for organisation in content.organisations] == [
        "eastbrook",
        "digital-agency",
    ]
    for organisation in content.organisations:
        roles = {role for person in organisation.members for role in person.roles}
        assert roles == set(Role.values), organisation.slug
    people = content.people()
    assert len({person.key for person in people}) == len({person.email for person in people})
    assert len(people) == len({person.email for person in people})


def test_the_content_files_ship_with_the_package():
    files = {str(path.relative_to(ROOT)) for path in ROOT.rglob("*.toml")}
    assert "platform.toml" in files
    assert "eastbrook/challenges/safer-school-run.toml" in files


@pytest.fixture
def content_copy(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


HOUSING = "eastbrook/challenges/housing-repairs-time.toml"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            HOUSING,
            'title = "Halve the time',
            'heading = "Halve the time',
            f"{HOUSING}: title: missing",
        ),
        (
            HOUSING,
            'author = "sofia"',
            'author = "sophia"',
            f"{HOUSING}: ideas[0].author: no person 'sophia' in platform.toml or "
            "eastbrook/people.toml",
        ),
        (
            HOUSING,
            "supporters = ",
            "supporter_count = ",
            f"{HOUSING}: ideas[0]: unknown key(s): supporter_count",
        ),
        (
            HOUSING,
            'audience = "staff"',
            "audience = 3",
            f"{HOUSING}: audience: must be a text, not 3",
        ),
        (
            HOUSING,
            'not_yet_reviewed = ["stage-dashboard"',
            'not_yet_reviewed = ["stage-dashbord"',
            f"{HOUSING}: review.not_yet_reviewed: no idea 'stage-dashbord' in this challenge",
        ),
        (
            HOUSING,
            "review = [-4, 17]",
            "reveiw = [-4, 17]",
            f"{HOUSING}: phases.reveiw: not a phase",
        ),
        (
            "eastbrook/people.toml",
            'roles = ["evaluator"]',
            'roles = ["judge"]',
            "eastbrook/people.toml: members[3].roles[0]: 'judge' is not one of",
        ),
        (
            "digital-agency/people.toml",
            'email = "staff@digitalagency.example"',
            'email = "staff@eastbrook.example"',
            "digital-agency/people.toml: email 'staff@eastbrook.example' is used in "
            "eastbrook/people.toml too",
        ),
        (
            "eastbrook/organisation.toml",
            '"housing-repairs-time", ',
            "",
            "eastbrook/organisation.toml: challenges: does not list housing-repairs-time",
        ),
        ("platform.toml", "[administrator]", "[administrator", "platform.toml: not valid TOML"),
    ],
)
def test_a_content_mistake_is_named_by_file_and_key(content_copy, file, old, new, message):
    edit(content_copy / file, old, new)
    with pytest.raises(DemoContentError) as raised:
        load_content(content_copy)
    assert message in str(raised.value)


def test_a_missing_file_is_named(content_copy):
    (content_copy / "digital-agency" / "people.toml").unlink()
    with pytest.raises(DemoContentError, match=r"digital-agency/people.toml: file not found"):
        load_content(content_copy)
