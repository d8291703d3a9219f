"""Public pages of the ledger: the list, one entry with its proof, the checkpoints, the key."""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from civiclab.methods.merkle import inclusion_steps

from . import access, selectors
from .forms import EntryFilterForm
from .keys import verifier_key
from .models import Entry

PAGE_SIZE = 50


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    form = EntryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = selectors.entry_list(
        organisation_id=filters.get("organisation"),
        kind=filters.get("kind", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/index.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": bool(filters and any(filters.values())),
            "latest": selectors.latest_checkpoint(),
        },
    )


@require_GET
def entry(request: HttpRequest, seq: int) -> HttpResponse:
    item = access.entry_for_user(user=request.user, seq=seq)
    proof = selectors.entry_proof(item)
    envelope = item.envelope().decode("utf-8")
    context = {
        "entry": item,
        "payload_pretty": json.dumps(json.loads(item.payload), indent=2, ensure_ascii=False),
        "envelope": envelope,
        "proof": proof,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    if proof is not None:
        leaf = bytes.fromhex(item.leaf_hash)
        context["steps"] = inclusion_steps(leaf, item.seq, proof.checkpoint.size, proof.path)
        context["snippet"] = _python_snippet(item, envelope, proof)
    return render(request, "ledger/entry.html", context)


def _python_snippet(item: Entry, envelope: str, proof: selectors.EntryProof) -> str:
    """A self-contained check of this proof using nothing but Python's hashlib."""
    path = ",\n    ".join(f'"{node.hex()}"' for node in proof.path)
    return f'''import hashlib

envelope = {json.dumps(envelope, ensure_ascii=False)}.encode("utf-8")
index, size = {item.seq}, {proof.checkpoint.size}
root = bytes.fromhex("{proof.checkpoint.root_hash}")  # from the signed checkpoint
proof = [bytes.fromhex(h) for h in [
    {path}
]]

h = hashlib.sha256(b"\\x00" + envelope).digest()  # the leaf hash
fn, sn = index, size - 1
for p in proof:  # RFC 9162, section 2.1.3.2
    if fn & 1 or fn == sn:
        h = hashlib.sha256(b"\\x01" + p + h).digest()
        while fn and not fn & 1:
            fn, sn = fn >> 1, sn >> 1
    else:
        h = hashlib.sha256(b"\\x01" + h + p).digest()
    fn, sn = fn >> 1, sn >> 1
print("included" if sn == 0 and h == root else "NOT included")
'''


@require_GET
def checkpoints(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.checkpoint_list(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/checkpoints.html",
        {"page_obj": page, "verifier_key": str(verifier_key()), "size": selectors.ledger_size()},
    )


@require_GET
def verifier_key_text(request: HttpRequest) -> HttpResponse:
    """The verifier key as plain text, for /.well-known/civiclab-ledger-key."""
    response = HttpResponse(f"{verifier_key()}\n", content_type="text/plain; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
