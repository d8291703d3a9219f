"""Rules for participation (see ../predicates.py)."""

import rules  # noqa: F401

from civiclab.challenges import predicates as p  # noqa: F401
