"""`civiclab ledger verify|checkpoint|key|append-test`: operate and audit the public ledger."""

import argparse
import logging
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from civiclab.ledger.audit import AuditResult
from civiclab.ledger.keys import generate_key_file, key_path, verifier_key
from civiclab.ledger.notes import CosignerKey, NoteError, VerifierKey
from civiclab.ledger.services import (
    CheckpointRefused,
    checkpoint_cosign,
    checkpoint_issue,
    ledger_append,
)

EXIT_FAILED = 1  # the ledger does not verify
EXIT_UNUSABLE = 2  # the check could not run: bad address, bad key, no connection


class Command(BaseCommand):
    help = "Operate and audit the public ledger. See docs/ledger.md."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser(
            "verify",
            help="Recompute the whole tree and check every signed checkpoint.",
            description="Recompute every leaf hash and the tree, check every checkpoint's "
            "signature and root and the consistency of each checkpoint with the next. Exits "
            "1 naming the first bad entry when the ledger does not verify, 2 when the check "
            "cannot run.",
        )
        verify.add_argument(
            "--url",
            help="Audit a remote installation through its public API, e.g. "
            "https://city.example.org",
        )
        verify.add_argument(
            "--key",
            help="The verifier key you trust (<name>+<id>+<key>); the check fails if the "
            "ledger is signed with another. Default: the installation's published key.",
        )
        verify.add_argument(
            "--witness",
            action="append",
            default=[],
            help="With --url: a witness key (<name>+<id>+<key>, type 0x04) whose cosignature "
            "the latest checkpoint must carry (repeat for several).",
        )
        verify.add_argument(
            "--insecure",
            action="store_true",
            help="Allow a plain http address (only for a test installation you run yourself).",
        )
        verify.add_argument(
            "--state-dir",
            help="Where the trusted key and the last verified checkpoint of each address are "
            "kept (default: LEDGER_VERIFY_STATE_DIR, ~/.local/state/civiclab/ledger-verify).",
        )
        verify.add_argument("--timeout", type=float, default=30.0, help=argparse.SUPPRESS)
        actions.add_parser(
            "checkpoint",
            help="Sign the current tree head if it has grown, and ask the witnesses to cosign.",
        )
        actions.add_parser("cosign", help="Ask the witnesses (LEDGER_WITNESSES) to cosign.")
        witness = actions.add_parser(
            "witness",
            help="Run a witness that cosigns other ledgers' checkpoints (c2sp.org/tlog-witness).",
            description="Serve POST /add-checkpoint: cosign each checkpoint of the logs given "
            "with --log that consistently extends the last one cosigned for that log.",
        )
        witness.add_argument("--key-file", required=True, help="The witness's Ed25519 key.")
        witness.add_argument("--name", required=True, help="The witness's name, e.g. a URL.")
        witness.add_argument(
            "--log",
            action="append",
            default=[],
            help="The verifier key of a log to witness (repeat for several).",
        )
        witness.add_argument("--state-dir", help="Where the last cosigned sizes are kept.")
        witness.add_argument("--host", default="127.0.0.1")
        witness.add_argument("--port", type=int, default=8480)
        witness.add_argument(
            "--create-key", action="store_true", help="Create the key file, print its key, exit."
        )
        key = actions.add_parser("key", help="Print the verifier key (public).")
        key.add_argument("--create", action="store_true", help="Create the signing key file.")
        test = actions.add_parser("append-test", help="Append test entries (kind ledger.test).")
        test.add_argument("--count", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        action: str = options.pop("action")
        handler = getattr(self, "_" + action.replace("-", "_"))
        try:
            handler(**options)
        except ImproperlyConfigured as error:
            raise CommandError(str(error), returncode=EXIT_UNUSABLE) from error

    # --- verify -------------------------------------------------------------------------

    def _verify(
        self,
        *,
        url: str | None = None,
        key: str | None = None,
        insecure: bool = False,
        state_dir: str | None = None,
        witness: list[str] | None = None,
        timeout: float = 30.0,
        **_: Any,
    ) -> None:
        try:
            witnesses = [CosignerKey.parse(text) for text in witness or []]
        except NoteError as error:
            raise CommandError(f"--witness: {error}.", returncode=EXIT_UNUSABLE) from error
        pinned = None
        if key:
            try:
                pinned = VerifierKey.parse(key)
            except NoteError as error:
                raise CommandError(f"--key: {error}.", returncode=EXIT_UNUSABLE) from error
        if url:
            self._verify_remote(url, pinned, insecure, state_dir, witnesses, timeout)
            return
        if witnesses:
            raise CommandError("--witness needs --url.", returncode=EXIT_UNUSABLE)
        from civiclab.ledger.verify import verify_local

        self.stdout.write("Auditing the local ledger…")
        self._report(verify_local(key=pinned, progress=self._progress))

    def _verify_remote(
        self,
        url: str,
        pinned: VerifierKey | None,
        insecure: bool,
        state_dir: str | None,
        witnesses: list[CosignerKey],
        timeout: float,
    ) -> None:
        from civiclab.ledger import trust
        from civiclab.ledger.remote import RemoteError, check_address, verify_remote

        try:
            check_address(url, insecure=insecure)
            path = trust.state_file(url, Path(state_dir).expanduser() if state_dir else None)
            saved = trust.load(path)
        except (RemoteError, trust.TrustError) as error:
            raise CommandError(str(error), returncode=EXIT_UNUSABLE) from error
        if saved is not None and pinned is not None and pinned != saved.key:
            raise CommandError(
                f"--key differs from the key trusted for {url} since {saved.since} ({saved.key}, "
                f"kept in {path}). If the installation really changed its key, check the new "
                "one with it out of band, then delete that file.",
                returncode=EXIT_UNUSABLE,
            )
        trusted = pinned or (saved.key if saved else None)
        previous = saved.checkpoint if saved and saved.key == trusted else ""
        # One line per request would bury the report; problems are reported below.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        self.stdout.write(f"Auditing the ledger at {url} through its public API…")
        try:
            result = verify_remote(
                url,
                key=trusted,
                previous=previous,
                witnesses=witnesses,
                insecure=insecure,
                timeout=timeout,
                progress=self._progress,
            )
        except RemoteError as error:
            raise CommandError(str(error), returncode=EXIT_UNUSABLE) from error
        if trusted is None and result.verifier is not None:
            self._warn_first_use(url, result.verifier, path)
        if result.ok and result.verifier is not None:
            trust.save(
                path,
                url,
                trusted or result.verifier,
                result.latest_note or previous,
                since=saved.since if saved else "",
            )
        if result.ok and result.previous is not None:
            self.stdout.write(
                f"Consistent with the checkpoint of size {result.previous.size} verified before "
                f"(kept in {path})."
            )
        self._report(result)

    def _warn_first_use(self, url: str, served: VerifierKey, path: Path) -> None:
        rule = "!" * 78
        for line in (
            rule,
            f"FIRST USE: no key is pinned for {url}. Trusting the key it serves now:",
            f"    {served}",
            "Anyone who controls that server or the connection could have served another.",
            "Compare it with the key the installation publishes elsewhere (its website, an",
            "official document) or pass the key you trust with --key.",
            f"It is saved in {path}; later runs fail if the installation changes it.",
            rule,
        ):
            self.stderr.write(self.style.WARNING(line))

    def _progress(self, count: int) -> None:
        self.stdout.write(f"  {count:,} entries checked")

    def _report(self, result: AuditResult) -> None:
        if result.ok:
            latest = result.latest
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK. Entries: {result.entries}; signed checkpoints: {result.checkpoints}; "
                    f"consistency proofs: {result.consistency_proofs}. All verified."
                )
            )
            if latest is not None:
                self.stdout.write(
                    f"Latest checkpoint: size {latest.size}, root hash {latest.root_hash.hex()}"
                )
            return
        for problem in result.problems:
            self.stderr.write(f"  - {problem.message}")
        first = result.first_bad
        where = ""
        if first is not None and first.upto is not None:
            where = f" The first bad entry is between {first.seq} and {first.upto}."
        elif first is not None:
            where = f" The first bad entry is {first.seq}."
        raise CommandError(
            f"The ledger does not verify: {len(result.problems)} problem(s).{where}",
            returncode=EXIT_FAILED,
        )

    # --- operations ---------------------------------------------------------------------

    def _checkpoint(self, **_: Any) -> None:
        try:
            checkpoint, created = checkpoint_issue()
        except CheckpointRefused as error:
            raise CommandError(str(error), returncode=EXIT_FAILED) from error
        verb = "Issued" if created else "Up to date:"
        self.stdout.write(f"{verb} checkpoint of size {checkpoint.size}.")
        self.stdout.write(checkpoint.note, ending="")
        self._report_cosigning(checkpoint_cosign(checkpoint=checkpoint))

    def _cosign(self, **_: Any) -> None:
        outcome = checkpoint_cosign()
        if not outcome:
            self.stdout.write("No witnesses configured (LEDGER_WITNESSES) or no checkpoint yet.")
        self._report_cosigning(outcome)

    def _report_cosigning(self, outcome: dict[str, str]) -> None:
        for name, what in outcome.items():
            self.stdout.write(f"Witness {name}: {what}.")

    def _witness(
        self,
        *,
        key_file: str,
        name: str,
        log: list[str],
        state_dir: str | None,
        host: str,
        port: int,
        create_key: bool,
        **_: Any,
    ) -> None:
        from civiclab.ledger.keys import load_key_file
        from civiclab.ledger.notes import Cosigner, check_key_name
        from civiclab.ledger.witness import Witness, witness_server

        try:
            check_key_name(name)
        except NoteError as error:
            raise CommandError(f"--name: {error}.", returncode=EXIT_UNUSABLE) from error
        path = Path(key_file).expanduser()
        if create_key:
            if path.exists():
                raise CommandError(f"{path} exists already; it is never overwritten.")
            generate_key_file(path)
            self.stderr.write(f"Created {path} (owner read/write only).")
        cosigner = Cosigner(name, load_key_file(path))
        if create_key:
            self.stdout.write(str(cosigner.key))
            return
        try:
            logs = [VerifierKey.parse(text) for text in log]
        except NoteError as error:
            raise CommandError(f"--log: {error}.", returncode=EXIT_UNUSABLE) from error
        if not logs:
            raise CommandError("Name at least one log to witness with --log <verifier key>.")
        folder = Path(state_dir).expanduser() if state_dir else path.with_name(path.name + ".logs")
        server = witness_server(Witness(cosigner, logs, folder), host, port)
        self.stdout.write(f"Witness {cosigner.key}")
        self.stdout.write(
            f"Cosigning {', '.join(k.name for k in logs)} at "
            f"http://{host}:{server.server_address[1]}/add-checkpoint (Ctrl-C stops)."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

    def _key(self, *, create: bool = False, **_: Any) -> None:
        path = key_path()
        if create:
            if path.exists():
                raise CommandError(f"{path} exists already; it is never overwritten.")
            generate_key_file(path)
            self.stderr.write(f"Created {path} (owner read/write only). Back it up safely.")
        self.stdout.write(str(verifier_key()))

    def _append_test(self, *, count: int = 1, **_: Any) -> None:
        if count < 1:
            raise CommandError("--count must be at least 1.")
        try:
            with transaction.atomic():
                for number in range(count):
                    entry = ledger_append(
                        kind="ledger.test",
                        organisation_id=None,
                        payload={"message": "A test entry.", "number": number},
                    )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Appended {count} test entries; the last is number {entry.seq}.")
