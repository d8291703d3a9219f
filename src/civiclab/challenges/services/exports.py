"""CSV and XLSX exports of a challenge's ideas, for the organisation's people.

Taking an export is checked and audited here; the rows come from `selectors/exports.py`.
Both formats stream from the database in chunks: a CSV response starts at once and never
holds more than a chunk in memory; the XLSX workbook is written by openpyxl's write-only mode
to a temporary file, so 100,000 rows never sit in memory as cells either.
"""

import csv
import tempfile
from collections.abc import Iterator
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from civiclab.accounts.models import User
from civiclab.challenges.audit import AuditAction
from civiclab.core.services import audit_record

from ..models import Challenge
from ..selectors.exports import evaluation_comment_rows, export_rows, results_rows
from ..selectors.lists import IdeaFilters, IdeaScope

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check(actor: User, challenge: Challenge) -> None:
    if not actor.has_perm("challenges.export_ideas", challenge):
        raise PermissionDenied(_("Only people with a role in the organisation can export ideas."))


def _record(actor: User, challenge: Challenge, *, file_format: str, filters: IdeaFilters) -> None:
    # Exports carry authors' names out of civiclab: who took one, and when, is audited.
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT_IDEAS,
            subject=challenge,
            organisation_id=challenge.organisation_id,
            details={
                "format": file_format,
                "filters": {k: v for k, v in vars(filters).items() if v},
            },
        )


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def ideas_export_csv(
    *, actor: User, challenge: Challenge, scope: IdeaScope, filters: IdeaFilters
) -> Iterator[str]:
    """The CSV lines of the export, to stream; checks permission and audits first."""
    _check(actor, challenge)
    _record(actor, challenge, file_format="csv", filters=filters)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # byte order mark: spreadsheet programs then read UTF-8 correctly
        for row in export_rows(
            actor=actor, challenge=challenge, scope=scope, filters=filters, local_dates=False
        ):
            yield writer.writerow(["" if value is None else value for value in row])

    return lines()


def ideas_export_xlsx(
    *, actor: User, challenge: Challenge, scope: IdeaScope, filters: IdeaFilters
) -> IO[bytes]:
    """The workbook as a temporary file, positioned at its start."""
    from openpyxl import Workbook

    _check(actor, challenge)
    _record(actor, challenge, file_format="xlsx", filters=filters)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Ideas")[:31])
    for row in export_rows(
        actor=actor, challenge=challenge, scope=scope, filters=filters, local_dates=True
    ):
        sheet.append(row)
    # Returned open: the response streams it and closes it, which deletes it.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return target


# --- evaluation results ---------------------------------------------------------------------


def _check_results(actor: User, challenge: Challenge, file_format: str) -> None:
    if not actor.has_perm("challenges.view_evaluation_results", challenge):
        raise PermissionDenied(
            _(
                "Only the challenge's managers and the organisation's decision makers can see "
                "results."
            )
        )
    # Results name evaluators and carry their comments out of civiclab: audited.
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT_RESULTS,
            subject=challenge,
            organisation_id=challenge.organisation_id,
            details={"format": file_format},
        )


RESULTS_TABLES = {"ranking": results_rows, "comments": evaluation_comment_rows}


def results_export_csv(*, actor: User, challenge: Challenge, table: str) -> Iterator[str]:
    """One results table as CSV lines: `ranking` (one row per idea) or `comments` (every
    submitted score and comment)."""
    rows_of = RESULTS_TABLES[table]
    _check_results(actor, challenge, f"csv:{table}")
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for row in rows_of(challenge=challenge):
            yield writer.writerow(["" if value is None else value for value in row])

    return lines()


def results_export_xlsx(*, actor: User, challenge: Challenge) -> IO[bytes]:
    """Both results tables as sheets of one workbook, in a temporary file at its start."""
    from openpyxl import Workbook

    _check_results(actor, challenge, "xlsx")
    workbook = Workbook(write_only=True)
    for title, rows_of in (
        (_("Ranking"), results_rows),
        (_("Scores and comments"), evaluation_comment_rows),
    ):
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows_of(challenge=challenge):
            sheet.append(row)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(target)
    target.seek(0)
    return target
