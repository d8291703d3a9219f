from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "civiclab.challenges"
    label = "challenges"
    verbose_name = _("Challenges and ideas")

    def ready(self) -> None:
        from . import personal_data

        personal_data.register_all()
        # Signal receivers: list counts, similar-idea indexes and trending scores follow
        # every idea and support, whichever service changed them.
        from .selectors import lists, similar  # noqa: F401
        from .services import trending  # noqa: F401
