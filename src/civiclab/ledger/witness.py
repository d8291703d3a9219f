"""A witness (https://c2sp.org/tlog-witness): cosigns a log's checkpoints, never a fork.

`civiclab ledger witness` runs one: an HTTP service with one call, `POST /add-checkpoint`,
whose body is `old <size>`, the consistency proof (one base64 hash a line), a blank line and
the signed checkpoint. The witness checks the log's signature, that `old` is the size it last
cosigned for that log, and the consistency proof from there; then it records the new
checkpoint and answers with its cosignature (https://c2sp.org/tlog-cosignature). It keeps
one small file per log in its own folder, so it needs no database: run it on another
machine, by another organisation, to make a rewritten history visible even to someone who
holds the log's key.
"""

import base64
import binascii
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from civiclab.core import clock
from civiclab.methods.merkle import ProofError, verify_consistency

from .notes import Cosigner, NoteError, VerifierKey, open_checkpoint, split_note

MAX_BODY = 64 * 1024
MAX_PROOF_LINES = 63


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


class Witness:
    """The witness's logic, independent of HTTP: `add_checkpoint(body) -> Answer`."""

    def __init__(self, cosigner: Cosigner, logs: list[VerifierKey], state_dir: Path) -> None:
        self.cosigner = cosigner
        self.logs = {key.name: key for key in logs}  # origin -> the log's key
        self.state_dir = state_dir
        self._lock = threading.Lock()

    def _state_file(self, origin: str) -> Path:
        return self.state_dir / (hashlib.sha256(origin.encode()).hexdigest()[:32] + ".json")

    def latest(self, origin: str) -> tuple[int, bytes]:
        """The size and root hash last cosigned for `origin` ((0, b"") before the first)."""
        try:
            data = json.loads(self._state_file(origin).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return 0, b""
        return int(data["size"]), bytes.fromhex(data["root"])

    def _record(self, origin: str, size: int, root: bytes) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        path = self._state_file(origin)
        temporary = path.with_name(path.name + ".new")
        data = {"origin": origin, "size": size, "root": root.hex()}
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    def add_checkpoint(self, body: str) -> Answer:
        head, separator, note = body.partition("\n\n")
        lines = head.split("\n")
        if not separator or not lines[0].startswith("old "):
            return Answer(
                400, "The body is an old size line, proof lines, a blank line and a note.\n"
            )
        size_text = lines[0][4:]
        if not size_text.isdigit() or size_text != str(int(size_text)):
            return Answer(400, "The old size is not a decimal number.\n")
        old_size = int(size_text)
        if len(lines) - 1 > MAX_PROOF_LINES:
            return Answer(400, "Too many consistency proof lines.\n")
        try:
            proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
            text, _ = split_note(note)
        except (binascii.Error, ValueError):
            return Answer(400, "The proof or the checkpoint is malformed.\n")
        origin = text.split("\n", 1)[0]
        log_key = self.logs.get(origin)
        if log_key is None:
            return Answer(404, "This witness does not know that log.\n")
        try:
            checkpoint = open_checkpoint(note, log_key, origin=origin)
        except NoteError:
            return Answer(403, "The checkpoint is not signed by the log's key.\n")
        if old_size > checkpoint.size:
            return Answer(400, "The old size is larger than the checkpoint's size.\n")
        with self._lock:
            latest_size, latest_root = self.latest(origin)
            if old_size != latest_size:
                return Answer(409, f"{latest_size}\n", "text/x.tlog.size")
            if old_size == checkpoint.size:
                if latest_root and checkpoint.root_hash != latest_root:
                    return Answer(409, f"{latest_size}\n", "text/x.tlog.size")
            elif old_size == 0:
                if proof:
                    return Answer(422, "A proof from size 0 must be empty.\n")
            else:
                try:
                    verify_consistency(
                        old_size, checkpoint.size, proof, latest_root, checkpoint.root_hash
                    )
                except ProofError:
                    return Answer(422, "The consistency proof does not verify.\n")
            self._record(origin, checkpoint.size, checkpoint.root_hash)
            return Answer(200, self.cosigner.cosign(text, int(clock.now().timestamp())))


class _Handler(BaseHTTPRequestHandler):
    witness: Witness

    def do_POST(self) -> None:
        if self.path.rstrip("/").rsplit("/", 1)[-1] != "add-checkpoint":
            self._answer(Answer(404, "Not found.\n"))
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._answer(Answer(411, "A Content-Length is required.\n"))
            return
        if not 0 <= length <= MAX_BODY:
            self._answer(Answer(413, "The body is too large.\n"))
            return
        try:
            body = self.rfile.read(length).decode("utf-8")
        except UnicodeError:
            self._answer(Answer(400, "The body is not UTF-8.\n"))
            return
        self._answer(self.witness.add_checkpoint(body))

    def _answer(self, answer: Answer) -> None:
        data = answer.body.encode("utf-8")
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the command reports what matters


def witness_server(witness: Witness, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("WitnessHandler", (_Handler,), {"witness": witness})
    return ThreadingHTTPServer((host, port), handler)
