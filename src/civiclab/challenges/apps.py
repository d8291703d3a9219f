from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "civiclab.challenges"
    label = "challenges"
    verbose_name = _("Challenges and ideas")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register_all()
