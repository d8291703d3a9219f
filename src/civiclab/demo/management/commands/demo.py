"""`civiclab demo`: prepare the database, seed a realistic demo once, print the logins, serve."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, connections

from civiclab.demo.seed import DEMO_PASSWORD, demo_logins, is_seeded, seed_demo
from civiclab.ledger import signer_state


def sqlite_path() -> Path | None:
    """The SQLite database file, or None when the database is not a SQLite file."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(db["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def ensure_folders() -> None:
    """Create the data folder and the database's folder; say clearly if we cannot."""
    folders = [Path(settings.DATA_DIR)]
    db_file = sqlite_path()
    if db_file is not None:
        folders.append(db_file.parent)
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(
                f"Cannot create the folder {folder}: {exc.strerror}. "
                "Set CIVICLAB_DATA_DIR (or DATABASE_URL) to a place you can write to."
            ) from None
        if not os.access(folder, os.W_OK):
            raise CommandError(
                f"The folder {folder} is not writable. "
                "Set CIVICLAB_DATA_DIR (or DATABASE_URL) to a place you can write to."
            )


def reset_database() -> None:
    """Start over: delete the SQLite file, or drop every table of another database.

    The ledger starts over too, so the signer forgets the last checkpoint it signed (else
    it would rightly refuse to sign the new, shorter ledger).
    """
    db_file = sqlite_path()
    connections.close_all()
    if db_file is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    signer_state.forget()


class Command(BaseCommand):
    help = (
        "Run a demo of civiclab: prepare the database, seed two organisations with a person "
        "for every role (only the first time), print the demo logins and serve."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--no-serve", action="store_true", help="Prepare and seed, then exit.")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete all data (the whole database) and seed the demo again.",
        )

    def handle(self, *, port: int, host: str, no_serve: bool, reset: bool, **options):
        ensure_folders()
        if not no_serve:
            from .serve import ensure_port_free

            ensure_port_free(host, port)
        if reset:
            self.stdout.write("Deleting all existing data (--reset)…")
            reset_database()
        self.stdout.write(f"Preparing the database ({self.database_label()})…")
        try:
            call_command("migrate", interactive=False, verbosity=0)
        except DatabaseError as exc:
            raise CommandError(f"Cannot prepare the database: {first_line(exc)}") from None
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        if is_seeded():
            self.stdout.write(
                "Demo data found; keeping it and adding only what is missing "
                "(use --reset to start over)."
            )
            self.top_up()
        else:
            self.stdout.write("Seeding the demo data…")
            seed_demo()
        self.print_logins(host, port)
        if not no_serve:
            call_command("serve", port=port, host=host, no_reload=True)

    def top_up(self) -> None:
        """Run the (idempotent) seed steps again, so data from newer steps appears.

        A demo whose data someone has since changed may refuse a step; the seed runs in one
        transaction, so nothing is half-written, and the existing data is served as it is.
        """
        try:
            seed_demo()
        except Exception as exc:  # any refusal leaves the demo as it was
            self.stderr.write(
                f"Could not add the newer demo data ({first_line(exc)}); serving it as it is."
            )

    def database_label(self) -> str:
        db_file = sqlite_path()
        if db_file is not None:
            return f"SQLite file {db_file}"
        db = settings.DATABASES["default"]
        return f"{db['ENGINE'].rsplit('.', 1)[-1]} database {db['NAME']!s}"

    def print_logins(self, host: str, port: int) -> None:
        rule = "=" * 78
        write = self.stdout.write
        write(rule)
        write(self.style.WARNING("DEMO ONLY: every demo account below shares one password:"))
        write("")
        write(f"    {DEMO_PASSWORD}")
        write("")
        write("Never use these accounts or this password on a real installation.")
        write("")
        if settings.MFA_REQUIRED_ROLES:
            roles = ", ".join(settings.MFA_REQUIRED_ROLES)
            write(
                f"Two-step sign-in is required of: {roles} (MFA_REQUIRED_ROLES); those "
                "accounts are asked to turn it on after signing in."
            )
        else:
            write(
                "Two-step sign-in is optional here (MFA_REQUIRED_ROLES is empty), so these "
                "logins work with the password alone; production settings require it of "
                "platform admins, organisation admins and decision makers."
            )
        for heading, people in demo_logins():
            write("")
            write(self.style.MIGRATE_HEADING(heading))
            for person in people:
                write(f"  {person.email:<42} {person.description}")
        write("")
        write(f"Sign in at http://{host}:{port}/accounts/login/")
        write(rule)


def first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
