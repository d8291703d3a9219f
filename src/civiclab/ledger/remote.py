"""`civiclab ledger verify --url`: audit another installation through its public API alone.

Everything is fetched from `<url>/api/v1/ledger/...`: the verifier key (unless the auditor
pins one), every signed checkpoint, every entry page by page, and a consistency proof
between each checkpoint and the next. The entries are re-hashed locally; nothing the server
says about hashes is trusted without recomputation.

Only https is spoken unless the caller allows plain http (`insecure`), and a redirect is
followed only within the same host (and never from https down to http).
"""

import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from civiclab.methods.merkle import ProofError, verify_consistency

from .audit import Auditor, AuditResult, EntryRecord
from .notes import CosignerKey, NoteError, VerifierKey, open_checkpoint

PAGE_SIZE = 100


class RemoteError(RuntimeError):
    """The remote ledger could not be read (address, network, or unexpected answers)."""


MAX_REDIRECTS = 5


def _same_host(origin: str, target: str) -> bool:
    """May a request to `origin` be redirected to `target`? Same host and port, and https
    stays https (http may only be upgraded to https on the same host)."""
    before, after = urlsplit(origin), urlsplit(target)
    if after.scheme not in ("http", "https") or before.hostname != after.hostname:
        return False
    if before.scheme == "https" and after.scheme != "https":
        return False
    if before.scheme == after.scheme:
        return before.port == after.port
    return after.port in (None, 443)


class _Api:
    def __init__(self, base_url: str, client: httpx.Client) -> None:
        self.base = base_url.rstrip("/") + "/api/v1/ledger"
        self.client = client

    def get(self, path: str, **params: Any) -> Any:  # noqa: ANN401 - a decoded JSON body
        url = self.base + path
        response = self._fetch(url, params)
        redirects = 0
        while response.is_redirect:
            redirects += 1
            if redirects > MAX_REDIRECTS:
                raise RemoteError(f"{url} redirects more than {MAX_REDIRECTS} times.")
            target = urljoin(str(response.url), response.headers.get("location", ""))
            if not _same_host(url, target):
                raise RemoteError(
                    f"{url} redirects to {target}, off the host; a ledger is only audited at "
                    "the address you gave. Run the check against that address if you trust it."
                )
            response = self._fetch(target, None)
        if response.status_code != 200:
            raise RemoteError(
                f"{url} answered {response.status_code}; is this a civiclab installation?"
            )
        try:
            return response.json()
        except ValueError as error:
            raise RemoteError(f"{url} did not answer with JSON.") from error

    def _fetch(self, url: str, params: dict[str, Any] | None) -> httpx.Response:
        try:
            return self.client.get(url, params=params, follow_redirects=False)
        except httpx.InvalidURL as error:
            raise RemoteError(f"Not a usable address: {url} ({error}).") from error
        except httpx.HTTPError as error:
            raise RemoteError(f"Could not reach {url}: {error or type(error).__name__}.") from error


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


def check_address(url: str, *, insecure: bool = False) -> None:
    """Refuse anything but an https address (plain http only when `insecure`)."""
    if not url.startswith(("http://", "https://")):
        raise RemoteError(f"Not a usable address: {url!r} (start it with https://).")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as error:
        raise RemoteError(f"Not a usable address: {url!r} ({error}).") from error
    if not parts.hostname:
        raise RemoteError(f"Not a usable address: {url!r} (it names no host).")
    if url.startswith("http://") and not insecure:
        raise RemoteError(
            f"{url} is plain http: anyone on the way could change what it answers. Use its "
            "https address, or add --insecure for a test installation you run yourself."
        )


def verify_remote(
    url: str,
    *,
    key: VerifierKey | None = None,
    previous: str = "",
    witnesses: Sequence[CosignerKey] = (),
    insecure: bool = False,
    timeout: float = 30.0,
    progress: Callable[[int], None] | None = None,
    client: httpx.Client | None = None,
) -> AuditResult:
    """Audit the ledger at `url`. `key` pins the verifier key; `previous` is the signed note of
    a checkpoint verified on an earlier run, which the ledger must still extend; the latest
    checkpoint must carry a valid cosignature by each of `witnesses`."""
    check_address(url, insecure=insecure)
    owned = client is None
    client = client or httpx.Client(timeout=timeout, follow_redirects=False)
    try:
        return _audit(_Api(url, client), key, previous, witnesses, progress)
    except (KeyError, TypeError) as error:
        raise RemoteError(
            f"The server's answers are not in the expected shape ({error})."
        ) from error
    finally:
        if owned:
            client.close()


def _audit(
    api: _Api,
    key: VerifierKey | None,
    previous: str,
    witnesses: Sequence[CosignerKey],
    progress: Callable[[int], None] | None,
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
    auditor.result.verifier = served
    auditor.add_checkpoints(
        (
            (f"of size {item['size']}", item["note"])
            for item in _pages(api, "/checkpoints", order="asc")
        ),
        previous=previous,
    )
    result = auditor.result

    def records() -> Iterator[EntryRecord]:
        for count, item in enumerate(_entries(api), start=1):
            if progress is not None and count % 10_000 == 0:
                progress(count)
            yield _record(item, result)

    auditor.add_entries(records())
    auditor.finish()
    _check_served_proofs(api, auditor, result, witnesses)
    return result


def _check_served_proofs(
    api: _Api, auditor: Auditor, result: AuditResult, witnesses: Sequence[CosignerKey]
) -> None:
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
        return
    cosigned = latest.get("cosigned_note") or latest["note"]
    for witness in witnesses:
        try:
            when = witness.cosigned_at(cosigned)
        except NoteError:
            when = None
        if when is None:
            result.add(
                f"The latest checkpoint (size {latest['size']}) carries no valid cosignature "
                f"by the witness {witness.name}."
            )
