"""Read-only admin views: the ledger is written by services only, never by hand."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import Checkpoint, Entry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "kind", "organisation_label", "subject_type", "subject_id", "created_at"]
    list_filter = ["kind"]
    search_fields = ["kind", "organisation_label", "subject_id"]
    show_full_result_count = False


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ["size", "root_hash", "created_at"]
