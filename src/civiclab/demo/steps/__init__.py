"""The demo seed's steps, one module per app: each turns part of the demo's content
(`civiclab.demo.content`) into rows through that app's services.

`civiclab.demo.seed` keeps their order and runs them in one transaction. Every step takes the
`SeedContext` and is idempotent: it looks things up before creating them.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from civiclab.demo.content import DemoContent
from civiclab.organisations.models import Organisation


@dataclass
class SeedContext:
    """What the steps share: the content, the moment of seeding, what was made so far."""

    content: DemoContent
    password_hash: str
    # The moment of seeding: phases and replayed moments are counted from it.
    now: datetime
    platform_admin: Any = None
    organisations: dict[str, Organisation] = field(default_factory=dict)
    # The demo's users by the key their content files give them.
    users: dict[str, Any] = field(default_factory=dict)
