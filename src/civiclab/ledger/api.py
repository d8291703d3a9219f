"""The ledger's public JSON API at /api/v1/ledger: entries, proofs, checkpoints, the key.

Everything is public (no authentication): anyone may audit the ledger.
"""

import base64
import json
import math
from datetime import date
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PaginationBase, paginate

from civiclab.core.access import NotVisible

from . import access, selectors
from .keys import verifier_key
from .models import Checkpoint, Entry
from .notes import parse_checkpoint_text, split_note

router = Router(tags=["ledger"], auth=None)

MAX_PAGE_SIZE = 100
# As `core.api.MAX_PAGE`: the offset of the last page fits a 64-bit integer.
MAX_PAGE = 1_000_000_000


class LedgerPagination(PaginationBase):
    """`?page=&page_size=` (at most 100), the same page shape as the rest of the API.

    Defined here rather than imported because the ledger sits below `core` in the
    dependency order.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"Page number, from 1 to {MAX_PAGE:,}.")
        page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        pages: int
        next: str | None
        previous: str | None

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        count = queryset.count()
        pages = max(1, math.ceil(count / pagination.page_size))
        offset = (pagination.page - 1) * pagination.page_size
        page = pagination.page
        return {
            "items": queryset[offset : offset + pagination.page_size],
            "count": count,
            "page": page,
            "pages": pages,
            "next": _page_url(request, page + 1) if page < pages else None,
            "previous": _page_url(request, min(page - 1, pages)) if page > 1 else None,
        }


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class OrganisationRef(Schema):
    id: int
    label: str


class SubjectRef(Schema):
    type: str
    id: str
    url: str


class EntryOut(Schema):
    seq: int = Field(description="Position in the log, from 0, without gaps.")
    kind: str
    organisation: OrganisationRef | None
    subject: SubjectRef
    payload: dict[str, Any]
    payload_canonical: str = Field(description="The payload exactly as hashed (RFC 8785).")
    time: str = Field(description="When it was recorded (UTC), exactly as hashed.")
    leaf_hash: str = Field(description="SHA-256(0x00 || canonical envelope), hex.")
    page: str

    @staticmethod
    def resolve_organisation(entry: Entry) -> dict | None:
        if entry.organisation_id is None:
            return None
        return {"id": entry.organisation_id, "label": entry.organisation_label}

    @staticmethod
    def resolve_subject(entry: Entry) -> dict:
        return {"type": entry.subject_type, "id": entry.subject_id, "url": entry.subject_url}

    @staticmethod
    def resolve_payload(entry: Entry) -> dict:
        return json.loads(entry.payload)

    @staticmethod
    def resolve_payload_canonical(entry: Entry) -> str:
        return entry.payload

    @staticmethod
    def resolve_page(entry: Entry) -> str:
        return reverse("ledger:entry", args=[entry.seq])


class InclusionOut(Schema):
    seq: int
    size: int
    leaf_hash: str
    root_hash: str = Field(description="Root of the first `size` entries, hex.")
    proof: list[str] = Field(description="Audit path from the leaf up (RFC 9162 2.1.3), hex.")


class ConsistencyOut(Schema):
    first: int
    second: int
    first_root_hash: str
    second_root_hash: str
    proof: list[str] = Field(description="Consistency proof (RFC 9162 2.1.4), hex.")


class CheckpointOut(Schema):
    size: int
    root_hash: str
    time: str
    origin: str
    key_id: str
    note: str = Field(description="The signed note in the C2SP tlog-checkpoint format.")
    cosignatures: list[str] = Field(
        description="Witness cosignatures (C2SP tlog-cosignature), one note signature line each."
    )
    cosigned_note: str = Field(description="The note with the witnesses' cosignature lines added.")

    @staticmethod
    def resolve_cosignatures(checkpoint: Checkpoint) -> list[str]:
        return [c.line.rstrip("\n") for c in checkpoint.cosignatures.all()]

    @staticmethod
    def resolve_cosigned_note(checkpoint: Checkpoint) -> str:
        return checkpoint.note + "".join(c.line for c in checkpoint.cosignatures.all())

    @staticmethod
    def resolve_time(checkpoint: Checkpoint) -> str:
        return checkpoint.created_at.isoformat().replace("+00:00", "Z")

    @staticmethod
    def resolve_origin(checkpoint: Checkpoint) -> str:
        return parse_checkpoint_text(split_note(checkpoint.note)[0]).origin


class KeyOut(Schema):
    origin: str
    verifier_key: str = Field(description="C2SP signed-note verifier key.")
    key_id: str
    algorithm: str
    public_key: str = Field(description="The raw Ed25519 public key, base64.")


class EntryFilters(Schema):
    organisation: int | None = Field(None, ge=1, description="Organisation id.")
    kind: str = Field("", max_length=80)
    since: date | None = Field(None, description="Recorded on or after this day.")
    until: date | None = Field(None, description="Recorded on or before this day.")
    from_seq: int | None = Field(None, ge=0, description="Only entries from this number on.")
    order: Literal["desc", "asc"] = "desc"


@router.get("/entries", response=list[EntryOut], summary="List ledger entries")
@paginate(LedgerPagination)
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> QuerySet[Entry]:
    if filters.since and filters.until and filters.since > filters.until:
        # A range that ends before it starts holds no entries: an empty page, as for any
        # other range without entries, since the document cannot state the order of two dates.
        return Entry.objects.none()
    return selectors.entry_list(
        organisation_id=filters.organisation,
        kind=filters.kind,
        since=filters.since,
        until=filters.until,
        from_seq=filters.from_seq,
        newest_first=filters.order == "desc",
    )


@router.get("/entries/{seq}", response=EntryOut, summary="One ledger entry")
def get_entry(request: HttpRequest, seq: int) -> Entry:
    return access.entry_for_user(user=request.user, seq=seq)


def _hex(nodes: list[bytes]) -> list[str]:
    return [node.hex() for node in nodes]


@router.get(
    "/proofs/inclusion",
    response=InclusionOut,
    summary="Inclusion proof",
    openapi_extra={
        "responses": {
            404: {
                "description": "No such proof: the entry is not in a tree of that size, the "
                "size is beyond the ledger, or no size was given before the first checkpoint."
            }
        }
    },
)
def inclusion(
    request: HttpRequest,
    seq: int = Query(..., ge=0),
    size: int | None = Query(None, ge=1, description="Tree size; default: latest checkpoint."),
) -> dict[str, Any]:
    if size is None:
        latest = selectors.latest_checkpoint()
        if latest is None:
            raise HttpError(404, _("No checkpoint has been issued yet; give a size."))
        size = latest.size
    try:
        proof = selectors.inclusion_proof_for(seq, size)
    except selectors.ProofUnavailable as error:
        raise HttpError(404, str(error)) from error
    entry = Entry.objects.only("leaf_hash").get(seq=seq)
    return {
        "seq": seq,
        "size": size,
        "leaf_hash": entry.leaf_hash,
        "root_hash": selectors.root_at(size).hex(),
        "proof": _hex(proof),
    }


@router.get(
    "/proofs/consistency",
    response=ConsistencyOut,
    summary="Consistency proof",
    openapi_extra={
        "responses": {
            404: {
                "description": "No such proof: `first` is larger than `second`, or `second` is "
                "beyond the ledger."
            }
        }
    },
)
def consistency(
    request: HttpRequest, first: int = Query(..., ge=1), second: int = Query(..., ge=1)
) -> dict[str, Any]:
    try:
        proof = selectors.consistency_proof_for(first, second)
    except selectors.ProofUnavailable as error:
        raise HttpError(404, str(error)) from error
    return {
        "first": first,
        "second": second,
        "first_root_hash": selectors.root_at(first).hex(),
        "second_root_hash": selectors.root_at(second).hex(),
        "proof": _hex(proof),
    }


@router.get(
    "/checkpoints/latest",
    response=CheckpointOut,
    summary="Latest signed checkpoint",
    openapi_extra={"responses": {404: {"description": "No checkpoint has been issued yet."}}},
)
def latest_checkpoint(request: HttpRequest) -> Checkpoint:
    checkpoint = selectors.latest_checkpoint()
    if checkpoint is None:
        raise NotVisible
    return checkpoint


@router.get("/checkpoints", response=list[CheckpointOut], summary="Signed checkpoints")
@paginate(LedgerPagination)
def list_checkpoints(
    request: HttpRequest, order: Literal["desc", "asc"] = "desc"
) -> QuerySet[Checkpoint]:
    return selectors.checkpoint_list().order_by("size" if order == "asc" else "-size")


@router.get("/key", response=KeyOut, summary="The key that signs checkpoints")
def key(request: HttpRequest) -> dict[str, Any]:
    verifier = verifier_key()
    return {
        "origin": verifier.name,
        "verifier_key": str(verifier),
        "key_id": verifier.key_id.hex(),
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(verifier.public_key).decode("ascii"),
    }
