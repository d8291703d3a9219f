"""Platform administration of organisations, their members and invitations."""

from django.contrib import admin
from django.db import transaction

from .models import Invitation, Membership, Organisation
from .services import membership_record_admin_changes, organisation_record_admin_save


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "level", "is_active", "created_at"]
    list_filter = ["is_active", "level", "country", "sectors"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["sectors"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        # The admin form writes the row itself; record the change in the same transaction.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            organisation_record_admin_save(
                actor=request.user,
                organisation=obj,
                created=not change,
                changed=form.changed_data,
            )

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.model is Membership:
                membership_record_admin_changes(
                    actor=request.user,
                    organisation=form.instance,
                    added=formset.new_objects,
                    changed=[obj for obj, _fields in formset.changed_objects],
                    removed=formset.deleted_objects,
                )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organisation",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["organisation"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["digest", "invited_by", "accepted_by", "created_at", "accepted_at"]
    fields = [
        "organisation",
        "email",
        "roles",
        "digest",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_by",
        "accepted_at",
        "revoked_at",
    ]

    def has_add_permission(self, request):
        # Invitations carry a secret e-mailed once; they are sent from the members page.
        return False
