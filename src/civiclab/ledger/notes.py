"""Signed checkpoints: the C2SP signed-note and tlog-checkpoint formats with Ed25519.

A checkpoint (https://c2sp.org/tlog-checkpoint) is a note whose text is

    <origin>\\n<tree size>\\n<base64 root hash>\\n[extension lines]

followed by a blank line and signature lines (https://c2sp.org/signed-note)

    — <key name> <base64(key id || Ed25519 signature over the text)>\\n

The key id is the first four bytes of SHA-256(key name || 0x0A || 0x01 || public key), 0x01
being the Ed25519 signature type. A verifier key is written `<name>+<hex key id>+<base64(0x01
|| public key)>`. Our checkpoints carry one extension line, `time <RFC 3339 UTC>`, so the time
a tree head was issued is signed with it.

This module is independent of the database so the remote verifier uses it too.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_TYPE = b"\x01"
SIGNATURE_PREFIX = "\u2014 "  # em dash and a space
TIME_EXTENSION = "time "
MAX_SIGNATURES = 100


class NoteError(ValueError):
    """A note, checkpoint or verifier key is malformed or its signature does not verify."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeError) as error:
        raise NoteError(f"{what} is not valid base64") from error


def check_key_name(name: str) -> None:
    if not name or any(ch.isspace() or ch == "+" for ch in name):
        raise NoteError("a key name is non-empty text without spaces or '+'")


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of an Ed25519 key (C2SP signed-note)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_TYPE + public_key).digest()[:4]


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: bytes
    public_key: bytes

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{_b64(ED25519_TYPE + self.public_key)}"

    @classmethod
    def parse(cls, text: str) -> "VerifierKey":
        # The name holds no '+', the base64 key may: split at the first two only.
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key looks like <name>+<key id>+<base64 key>")
        name, hex_id, encoded = parts
        check_key_name(name)
        raw = _unb64(encoded, "the verifier key")
        if len(raw) != 33 or raw[:1] != ED25519_TYPE:
            raise NoteError("the verifier key is not an Ed25519 key")
        try:
            claimed_id = bytes.fromhex(hex_id)
        except ValueError as error:
            raise NoteError("the verifier key id is not hexadecimal") from error
        public_key = raw[1:]
        if len(claimed_id) != 4 or claimed_id != key_id(name, public_key):
            raise NoteError("the verifier key id does not match its name and key")
        return cls(name=name, key_id=claimed_id, public_key=public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey

    @cached_property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @cached_property
    def verifier_key(self) -> VerifierKey:
        return VerifierKey(self.name, key_id(self.name, self.public_key), self.public_key)

    def sign_note(self, text: str) -> str:
        """The signed note: `text` (ending in a newline), a blank line, one signature line."""
        if not text.endswith("\n") or "\n\n" in text:
            raise NoteError("a note's text ends with one newline and has no blank lines")
        signature = self.private_key.sign(text.encode("utf-8"))
        line = f"{SIGNATURE_PREFIX}{self.name} {_b64(self.verifier_key.key_id + signature)}\n"
        return f"{text}\n{line}"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()
    signatures: tuple[tuple[str, bytes, bytes], ...] = field(default=(), compare=False)

    @property
    def time(self) -> datetime | None:
        for line in self.extensions:
            if line.startswith(TIME_EXTENSION):
                try:
                    return datetime.fromisoformat(line[len(TIME_EXTENSION) :])
                except ValueError:
                    return None
        return None


def checkpoint_text(origin: str, size: int, root_hash: bytes, time: datetime) -> str:
    stamp = time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{origin}\n{size}\n{_b64(root_hash)}\n{TIME_EXTENSION}{stamp}\n"


def split_note(note: str) -> tuple[str, list[tuple[str, bytes, bytes]]]:
    """The note's text and its signatures as (key name, key id, signature) triples."""
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("a signed note is text, a blank line and signature lines")
    text, signature_block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in signature_block[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError("a signature line starts with an em dash and a space")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        check_key_name(name)
        raw = _unb64(encoded, "a signature")
        if len(raw) < 5:
            raise NoteError("a signature is too short")
        signatures.append((name, raw[:4], raw[4:]))
    if not signatures or len(signatures) > MAX_SIGNATURES:
        raise NoteError("a signed note carries between 1 and 100 signatures")
    return text, signatures


def parse_checkpoint_text(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise NoteError("a checkpoint has an origin, a size and a root hash line")
    origin, size_text, root_text, *extensions = lines[:-1]
    if not origin:
        raise NoteError("the checkpoint's origin line is empty")
    if not size_text.isascii() or not size_text.isdigit() or size_text != str(int(size_text)):
        raise NoteError("the checkpoint's size is not a decimal number")
    root = _unb64(root_text, "the checkpoint's root hash")
    if len(root) != 32:
        raise NoteError("the checkpoint's root hash is not 32 bytes")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def open_checkpoint(note: str, verifier: VerifierKey, origin: str | None = None) -> Checkpoint:
    """Parse a signed checkpoint and check the verifier's signature on it.

    Signatures by other keys are ignored, as the signed-note spec asks; the note must carry
    a valid signature by `verifier`, and (when given) name the expected origin.
    """
    text, signatures = split_note(note)
    matching = [(n, i, s) for n, i, s in signatures if n == verifier.name and i == verifier.key_id]
    if not matching:
        raise NoteError(f"the checkpoint is not signed by the key {verifier.name}")
    if not all(verifier.verify(text.encode("utf-8"), signature) for _, _, signature in matching):
        raise NoteError("the checkpoint's signature does not verify")
    checkpoint = parse_checkpoint_text(text)
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"the checkpoint names origin {checkpoint.origin!r}, not {origin!r}")
    return Checkpoint(
        checkpoint.origin,
        checkpoint.size,
        checkpoint.root_hash,
        checkpoint.extensions,
        tuple(signatures),
    )


# --- witness cosignatures (https://c2sp.org/tlog-cosignature, Ed25519 type) ----------------

COSIGNATURE_TYPE = b"\x04"
COSIGNATURE_HEADER = "cosignature/v1\n"


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of an Ed25519 cosigner key (signature type 0x04)."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + COSIGNATURE_TYPE + public_key).digest()[:4]


def _cosigned_message(text: str, timestamp: int) -> bytes:
    return f"{COSIGNATURE_HEADER}time {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class CosignerKey:
    """A witness's public key, written as a vkey `<name>+<hex key id>+<base64(0x04 || key)>`."""

    name: str
    key_id: bytes
    public_key: bytes

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{_b64(COSIGNATURE_TYPE + self.public_key)}"

    @classmethod
    def parse(cls, text: str) -> "CosignerKey":
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("a witness key looks like <name>+<key id>+<base64 key>")
        name, hex_id, encoded = parts
        check_key_name(name)
        raw = _unb64(encoded, "the witness key")
        if len(raw) != 33 or raw[:1] != COSIGNATURE_TYPE:
            raise NoteError("the witness key is not an Ed25519 cosignature (type 0x04) key")
        public_key = raw[1:]
        try:
            claimed_id = bytes.fromhex(hex_id)
        except ValueError as error:
            raise NoteError("the witness key id is not hexadecimal") from error
        if claimed_id != cosigner_key_id(name, public_key):
            raise NoteError("the witness key id does not match its name and key")
        return cls(name=name, key_id=claimed_id, public_key=public_key)

    def cosigned_at(self, note: str) -> datetime | None:
        """When this witness cosigned the checkpoint `note`, or None if no valid cosignature."""
        text, signatures = split_note(note)
        for name, claimed_id, raw in signatures:
            if name != self.name or claimed_id != self.key_id or len(raw) != 8 + 64:
                continue
            timestamp = int.from_bytes(raw[:8], "big")
            if timestamp >= 2**63:
                continue
            try:
                Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                    raw[8:], _cosigned_message(text, timestamp)
                )
            except InvalidSignature:
                continue
            return datetime.fromtimestamp(timestamp, tz=UTC)
        return None


@dataclass(frozen=True)
class Cosigner:
    """A witness's signing side: cosigns checkpoints it verified."""

    name: str
    private_key: Ed25519PrivateKey

    @cached_property
    def key(self) -> CosignerKey:
        public = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return CosignerKey(self.name, cosigner_key_id(self.name, public), public)

    def cosign(self, text: str, timestamp: int) -> str:
        """The signature line cosigning the checkpoint `text` at `timestamp` (POSIX seconds)."""
        signature = self.private_key.sign(_cosigned_message(text, timestamp))
        raw = self.key.key_id + timestamp.to_bytes(8, "big") + signature
        return f"{SIGNATURE_PREFIX}{self.name} {_b64(raw)}\n"
