"""`civiclab refresh_trending`: recompute the trending score of every idea."""

from django.core.management.base import BaseCommand, CommandError

from civiclab.challenges.models import Challenge
from civiclab.challenges.services.trending import trending_refresh


class Command(BaseCommand):
    help = (
        "Recompute ideas' trending scores from the supports of the last seven days "
        "(half-life 48 hours). `civiclab worker` runs it hourly by itself (SCHEDULE)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--challenge", type=int, help="Only the ideas of this challenge (by id)."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the work for the task worker instead of doing it now.",
        )

    def handle(self, *args, challenge=None, enqueue=False, **options):
        if challenge is not None and not Challenge.objects.filter(pk=challenge).exists():
            raise CommandError(f"There is no challenge with id {challenge}.")
        if enqueue:
            if challenge is not None:
                raise CommandError("--enqueue refreshes every challenge; drop --challenge.")
            from civiclab.challenges.services.trending import refresh_trending

            refresh_trending.enqueue()
            self.stdout.write("Queued the trending refresh.")
            return
        changed = trending_refresh(challenge_id=challenge)
        self.stdout.write(f"Trending scores refreshed: {changed} ideas changed.")
