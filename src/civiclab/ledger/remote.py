"""`civiclab ledger verify --url`: audit another installation through its public API alone.

Everything is fetched from `<url>/api/v1/ledger/...`: the verifier key (unless the auditor
pins one), every signed checkpoint, every entry page by page, and a consistency proof
between each checkpoint and the next. The entries are re-hashed locally; nothing the server
says about hashes is trusted without recomputation.
"""

import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from civiclab.methods.merkle import ProofError, verify_consistency

from .audit import Auditor, AuditResult, EntryRecord
from .notes import NoteError, VerifierKey, open_checkpoint

PAGE_SIZE = 100


class RemoteError(RuntimeError):
    """The remote ledger could not be read (address, network, or unexpected answers)."""


class _Api:
    def __init__(self, base_url: str, client: httpx.Client) -> None:
        self.base = base_url.rstrip("/") + "/api/v1/ledger"
        self.client = client

    def get(self, path: str, **params: Any) -> Any:  # noqa: ANN401 - a decoded JSON body
        url = self.base + path
        try:
            response = self.client.get(url, params=params)
        except httpx.InvalidURL as error:
            raise RemoteError(f"Not a usable address: {url} ({error}).") from error
        except httpx.HTTPError as error:
            raise RemoteError(f"Could not reach {url}: {error or type(error).__name__}.") from error
        if response.status_code != 200:
            raise RemoteError(
                f"{url} answered {response.status_code}; is this a civiclab installation?"
            )
        try:
            return response.json()
        except ValueError as error:
            raise RemoteError(f"{url} did not answer with JSON.") from error


def _pages(api: _Api, path: str, **params: Any) -> Iterator[dict]:
    page = 1
    while True:
        data = api.get(path, page=page, page_size=PAGE_SIZE, **params)
        yield from data["items"]
        if page >= data["pages"]:
            return
        page += 1


def _entries(api: _Api) -> Iterator[dict]:
    # Keyset paging on seq: each request starts where the last ended (cheap on huge logs).
    next_seq = 0
    while True:
        data = api.get("/entries", order="asc", from_seq=next_seq, page_size=PAGE_SIZE)
        items = data["items"]
        yield from items
        if len(items) < PAGE_SIZE:
            return
        next_seq = items[-1]["seq"] + 1


def _record(item: dict, result: AuditResult) -> EntryRecord:
    organisation = item.get("organisation")
    payload_text = item["payload_canonical"]
    try:
        if json.loads(payload_text) != item["payload"]:
            result.add(
                f"Entry {item['seq']}: the payload shown differs from the payload hashed.",
                item["seq"],
            )
    except ValueError:
        result.add(f"Entry {item['seq']}: the hashed payload is not JSON.", item["seq"])
    return EntryRecord(
        seq=item["seq"],
        kind=item["kind"],
        organisation_id=organisation["id"] if organisation else None,
        organisation_label=organisation["label"] if organisation else "",
        subject_type=item["subject"]["type"],
        subject_id=item["subject"]["id"],
        subject_url=item["subject"]["url"],
        payload=payload_text,
        time=item["time"],
        leaf_hash=item["leaf_hash"],
    )


def verify_remote(
    url: str,
    *,
    key: VerifierKey | None = None,
    timeout: float = 30.0,
    progress: Callable[[int], None] | None = None,
    client: httpx.Client | None = None,
) -> AuditResult:
    if not url.startswith(("http://", "https://")):
        raise RemoteError(f"Not a usable address: {url!r} (start it with https://).")
    owned = client is None
    client = client or httpx.Client(timeout=timeout, follow_redirects=True)
    try:
        return _audit(_Api(url, client), key, progress)
    except (KeyError, TypeError) as error:
        raise RemoteError(
            f"The server's answers are not in the expected shape ({error})."
        ) from error
    finally:
        if owned:
            client.close()


def _audit(
    api: _Api, key: VerifierKey | None, progress: Callable[[int], None] | None
) -> AuditResult:
    published = api.get("/key")
    try:
        served = VerifierKey.parse(published["verifier_key"])
    except NoteError as error:
        raise RemoteError(f"The published verifier key is malformed: {error}.") from error
    if key is not None and key != served:
        result = AuditResult()
        result.add(f"The server publishes the key {served}, not the key you trust ({key}).")
        return result
    auditor = Auditor(key or served, origin=published.get("origin") or None)
    auditor.add_checkpoints(
        (f"of size {item['size']}", item["note"])
        for item in _pages(api, "/checkpoints", order="asc")
    )
    result = auditor.result

    def records() -> Iterator[EntryRecord]:
        for count, item in enumerate(_entries(api), start=1):
            if progress is not None and count % 10_000 == 0:
                progress(count)
            yield _record(item, result)

    auditor.add_entries(records())
    auditor.finish()
    _check_served_proofs(api, auditor, result)
    return result


def _check_served_proofs(api: _Api, auditor: Auditor, result: AuditResult) -> None:
    """The proofs the server hands out must verify against its signed checkpoints."""
    if not result.ok:
        return
    heads = [h for h in auditor.heads if h.size > 0]
    for first, second in itertools.pairwise(heads):
        data = api.get("/proofs/consistency", first=first.size, second=second.size)
        proof = [bytes.fromhex(node) for node in data["proof"]]
        try:
            verify_consistency(first.size, second.size, proof, first.root_hash, second.root_hash)
        except ProofError as error:
            result.add(
                f"The server's consistency proof from size {first.size} to {second.size} "
                f"does not verify: {error}."
            )
            return
    latest = api.get("/checkpoints/latest")
    try:
        open_checkpoint(latest["note"], auditor.verifier, origin=auditor.origin)
    except NoteError as error:
        result.add(f"The latest checkpoint served does not verify: {error}.")
