"""Deployment checks of the ledger's signing key (`civiclab check --deploy`)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from .keys import key_path


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@register(Tags.security, deploy=True)
def check_signing_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:  # noqa: ANN401
    path = key_path().expanduser().resolve()
    data = Path(settings.DATA_DIR).resolve()
    messages: list[CheckMessage] = []
    if _inside(path, data):
        messages.append(
            Warning(
                f"The ledger signing key {path} is inside the data folder {data}.",
                hint="Keep it outside (LEDGER_SIGNING_KEY_FILE): a copy of the data folder or "
                "a backup of it must not carry the means to sign the ledger.",
                id="ledger.W001",
            )
        )
    if not path.exists():
        if not settings.LEDGER_SIGNING_KEY_AUTOCREATE:
            messages.append(
                Warning(
                    f"The ledger signing key {path} does not exist; nothing can be signed.",
                    hint="Create it once with `civiclab ledger key --create` and back it up.",
                    id="ledger.W002",
                )
            )
    elif path.stat().st_mode & 0o077:
        messages.append(
            Warning(
                f"The ledger signing key {path} can be read by other users.",
                hint=f"chmod 600 {path}",
                id="ledger.W003",
            )
        )
    return messages
