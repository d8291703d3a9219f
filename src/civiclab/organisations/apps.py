from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "civiclab.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()
        self.add_profile_section()

    def add_profile_section(self) -> None:
        from civiclab.accounts import profile

        from .selectors import memberships_for_profile

        profile.register_section(
            "organisations/profile_memberships.html",
            get_context=lambda request, user: {"memberships": memberships_for_profile(user=user)},
            order=10,
        )
