"""`civiclab serve`: the development server when DEBUG is on, gunicorn (a real WSGI server)
when it is off."""

import os
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def choose_server(*, debug: bool) -> str:
    """Django's runserver reloads code and shows tracebacks: only for development."""
    return "runserver" if debug else "gunicorn"


def worker_count() -> int:
    """WEB_CONCURRENCY, as on most hosting platforms; otherwise two per CPU, at most eight."""
    value = os.environ.get("WEB_CONCURRENCY", "")
    if value:
        try:
            count = int(value)
        except ValueError:
            raise CommandError(f"WEB_CONCURRENCY must be a whole number, not {value!r}.") from None
        if count < 1:
            raise CommandError("WEB_CONCURRENCY must be at least 1.")
        return count
    return min(8, 2 * (os.cpu_count() or 1))


def ensure_port_free(host: str, port: int) -> None:
    """Fail with one clear line, before starting anything, if the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno in {98, 48, 10048}:  # EADDRINUSE on Linux, macOS, Windows
                raise CommandError(
                    f"Port {port} on {host} is already in use. "
                    f"Stop the other server or choose another port with --port."
                ) from None
            raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror}.") from None


def gunicorn_options(*, host: str, port: int, workers: int) -> dict:
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "errorlog": "-",
        "timeout": 60,
        "graceful_timeout": 20,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "proc_name": "civiclab",
        # No control socket in the home folder: several installations may run side by side.
        "control_socket_disable": True,
        # Addresses of up to 8 KB, gunicorn's most (and nginx's usual limit): list filters
        # and cursors fit with room to spare; longer ones answer 414.
        "limit_request_line": 8190,
    }


def run_gunicorn(options: dict) -> None:
    from django.core.wsgi import get_wsgi_application
    from gunicorn.app.base import BaseApplication

    application = get_wsgi_application()

    class CivicLabServer(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                if key in self.cfg.settings:  # older gunicorn lacks some settings
                    self.cfg.set(key, value)

        def load(self):
            return application

    CivicLabServer().run()


class Command(BaseCommand):
    help = (
        "Serve civiclab over HTTP: Django's development server when DEBUG is on, "
        "gunicorn with WEB_CONCURRENCY workers when it is off."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument(
            "--no-reload",
            action="store_true",
            help="Development server only: do not restart when the code changes.",
        )

    def handle(self, *, port: int, host: str, no_reload: bool = False, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        ensure_port_free(host, port)
        server = choose_server(debug=settings.DEBUG)
        self.stdout.write(f"Serving civiclab at http://{host}:{port}/ ({server}); Ctrl-C stops.")
        if server == "runserver":
            call_command("runserver", f"{host}:{port}", use_reloader=not no_reload)
        else:
            run_gunicorn(gunicorn_options(host=host, port=port, workers=worker_count()))
