"""Discussions an outsider must not find, for the URL walk in tests/test_access_walk.py: the
discussable objects of the challenges' hidden world (ideas in a draft, a staff-only and an
invitation-only challenge) with their comments."""

from tests.challenges.hidden import hidden_world as challenges_hidden_world


def hidden_world(organisation, *, public: bool = False) -> list:
    return challenges_hidden_world(organisation, public=public)
