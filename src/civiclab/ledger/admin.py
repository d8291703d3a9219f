"""Read-only admin views: the ledger is written by services only, never by hand."""

from django.contrib import admin

from .models import Checkpoint, Entry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
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
