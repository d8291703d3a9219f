"""The `civiclab` command: demo, serve, worker, domain commands and every Django command."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a civiclab or Django management command, e.g. `civiclab demo --port 8765`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civiclab.config.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["civiclab", *argv])
    args[0] = "civiclab"
    if len(args) > 1 and args[1] == "worker":
        args[1] = "db_worker"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
