"""The `civiclab` command: demo, serve, worker, domain commands and every Django command."""

import os
import sys
from urllib.parse import urlsplit


def _fail(message: str) -> None:
    sys.stderr.write(f"civiclab: error: {message}\n")
    sys.exit(1)


def _check_database_url() -> None:
    """A mistyped DATABASE_URL should say so, not fail deep inside the settings."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return
    from environ import Env

    scheme = urlsplit(url).scheme
    if scheme not in Env.DB_SCHEMES:
        _fail(
            f"DATABASE_URL uses an unknown scheme {scheme!r}; use e.g. "
            "sqlite:////absolute/path/civiclab.sqlite3 or postgres://user:password@host/name."
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def main(argv: list[str] | None = None) -> None:
    """Run a civiclab or Django management command, e.g. `civiclab demo --port 8765`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civiclab.config.settings.dev")
    _check_database_url()
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    args = list(sys.argv if argv is None else ["civiclab", *argv])
    args[0] = "civiclab"
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        _fail(f"configuration problem: {_first_line(exc)}")
    except DatabaseError as exc:
        _fail(f"database problem: {_first_line(exc)} (check DATABASE_URL)")
    except BrokenPipeError:
        sys.exit(1)  # the reader went away (e.g. `| head`); nothing useful to say
    except OSError as exc:
        if exc.filename:
            _fail(
                f"cannot use {exc.filename}: {exc.strerror}. "
                "Set CIVICLAB_DATA_DIR to a folder you can write to."
            )
        _fail(_first_line(exc))


if __name__ == "__main__":
    main()
