"""Canonical JSON (RFC 8785, JSON Canonicalization Scheme) and the envelope each leaf hashes.

A leaf's data is the canonical JSON of its envelope
`{"kind", "organisation", "payload", "seq", "subject", "time"}`, so changing, reordering or
moving any column of an entry changes its leaf hash. The payload is canonicalised once, on
append, with the `rfc8785` package and stored as that exact text; the envelope around it is
written by `envelope_bytes`, which produces the same bytes as `rfc8785` (the tests check this)
without re-parsing the payload, so verifying a million entries stays fast.
"""

import json
from datetime import UTC, datetime
from typing import Any

import rfc8785


class CanonicalJSONError(ValueError):
    """The value cannot be written as canonical JSON (e.g. NaN, huge integers, bad strings)."""


def canonical_json(value: Any) -> str:  # noqa: ANN401 - any JSON value; rfc8785 checks it
    """The RFC 8785 canonical form of `value` as text."""
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except (rfc8785.CanonicalizationError, TypeError, ValueError, UnicodeError) as error:
        raise CanonicalJSONError(str(error) or type(error).__name__) from error


def envelope_time(moment: datetime) -> str:
    """The envelope's time: UTC, microseconds, e.g. `2026-05-04T09:30:00.000000Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _string(value: str) -> str:
    # Python's JSON string writer without ASCII escaping matches RFC 8785 section 3.2.2.2:
    # only ", \ and control characters are escaped, with the short forms and lowercase \u00xx.
    return json.dumps(value, ensure_ascii=False)


def envelope_text(
    *,
    seq: int,
    kind: str,
    organisation_id: int | None,
    organisation_label: str,
    subject_type: str,
    subject_id: str,
    subject_url: str,
    payload: str,
    time: str,
) -> str:
    """The canonical JSON text of an entry's envelope; `payload` is already canonical text.

    Members appear in RFC 8785 order (sorted by UTF-16 code units; all names are ASCII).
    """
    if organisation_id is None:
        organisation = "null"
    else:
        organisation = f'{{"id":{int(organisation_id)},"label":{_string(organisation_label)}}}'
    subject = (
        f'{{"id":{_string(subject_id)},"type":{_string(subject_type)},'
        f'"url":{_string(subject_url)}}}'
    )
    return (
        f'{{"kind":{_string(kind)},"organisation":{organisation},"payload":{payload},'
        f'"seq":{int(seq)},"subject":{subject},"time":{_string(time)}}}'
    )


def envelope_bytes(**fields: Any) -> bytes:
    """`envelope_text` as UTF-8 bytes: the data the entry's leaf hash covers."""
    return envelope_text(**fields).encode("utf-8")
