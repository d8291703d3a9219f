from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_sectors(sender, using="default", **kwargs) -> None:
    """Keep the COFOG divisions present after every migrate and flush.

    The data migration seeds them once, but flushing a database (as transactional tests and
    `civiclab flush` do) empties the table; Django sends post_migrate after a flush too.
    """
    from .models import Cofog, Sector

    existing = set(Sector.objects.using(using).values_list("code", flat=True))
    missing = [Sector(code=code) for code in Cofog.values if code not in existing]
    if missing:
        Sector.objects.using(using).bulk_create(missing)


class OrganisationsConfig(AppConfig):
    name = "civiclab.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from civiclab.core import audit

        from . import personal_data
        from .audit import AuditAction

        personal_data.register()
        audit.register_actions(AuditAction)
        post_migrate.connect(ensure_sectors, sender=self)
        self.add_profile_section()
        self.report_roles_for_mfa()

    def report_roles_for_mfa(self) -> None:
        """Tell accounts which organisation roles a person holds, so MFA_REQUIRED_ROLES can
        name them (`accounts.mfa`)."""
        from civiclab.accounts import mfa

        from .selectors import roles_held_anywhere

        mfa.register_roles(roles_held_anywhere)

    def add_profile_section(self) -> None:
        from civiclab.core import page_sections

        from .selectors import memberships_for_profile

        page_sections.register(
            page_sections.PROFILE,
            "organisations/profile_memberships.html",
            get_context=lambda request, user: {"memberships": memberships_for_profile(user=user)},
            order=10,
        )
        self.add_workspace_sections()

    def add_workspace_sections(self) -> None:
        """On the home page: invitations waiting for the person, and their roles."""
        from civiclab.core import page_sections

        from .selectors import invitations_waiting_for, memberships_for_profile, roles_everywhere

        def invitations(request, person):
            waiting = invitations_waiting_for(user=person)
            return {"invitations": waiting} if waiting else None

        def roles(request, person):
            if not roles_everywhere(user=person):
                return None
            memberships = memberships_for_profile(user=person)
            return {"memberships": memberships} if memberships else None

        page_sections.register(
            page_sections.WORKSPACE,
            "organisations/workspace_invitations.html",
            get_context=invitations,
            order=10,
        )
        page_sections.register(
            page_sections.WORKSPACE,
            "organisations/workspace_memberships.html",
            get_context=roles,
            order=90,
        )
