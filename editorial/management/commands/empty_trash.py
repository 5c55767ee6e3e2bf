"""Delete for good the articles that have waited in the trash long enough."""

from django.core.management.base import BaseCommand, CommandError

from editorial.trash import KEEP_DAYS, expired


class Command(BaseCommand):
    help = "Delete for good the articles in the trash for more than --older-than days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=KEEP_DAYS,
            metavar="DAYS",
            help=f"days an article has been in the trash (default {KEEP_DAYS})",
        )
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, older_than, dry_run, **options):
        if older_than < 0:
            raise CommandError("--older-than: give a number of days, 0 or more.")
        articles = expired(older_than)
        count = articles.count()
        if not dry_run:
            articles.delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(self.style.SUCCESS(f"{verb} {count} article(s) from the trash."))
