"""Backfill generated summaries: `manage.py summarize_articles [--missing|--all] [--dry-run]`."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from articles.caching import bump_generation
from articles.content import prepare
from articles.models import Article

BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        "Generate summaries from article bodies. --missing (the default) fills empty "
        "summaries only; --all also rebuilds every generated one. Summaries written by "
        "editors are never touched."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--missing", action="store_true", help="Only articles without a summary (default)."
        )
        which.add_argument(
            "--all", action="store_true", help="Also rebuild every generated summary."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; write nothing."
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Rows per batch.")

    def handle(self, *args, **options):
        wanted = Q(summary="")
        if options["all"]:
            wanted |= Q(summary_generated=True)
        articles = Article.objects.filter(wanted).order_by("pk")
        total = articles.count()
        dry_run = options["dry_run"]
        self.stdout.write(f"{total} article(s) to summarize{' (dry run)' if dry_run else ''}.")
        examined = changed = 0
        last_pk = 0
        while batch := list(articles.filter(pk__gt=last_pk)[: options["batch_size"]]):
            last_pk = batch[-1].pk
            updated = [article for article in batch if self.summarize(article)]
            if updated and not dry_run:
                with transaction.atomic():
                    Article.objects.bulk_update(updated, ["summary", "summary_generated"])
                    bump_generation()  # bulk_update skips the signals that drop cached pages
            examined += len(batch)
            changed += len(updated)
            self.stdout.write(f"  {examined}/{total} examined, {changed} changed")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(f"Summaries: {changed} {verb}, {examined - changed} unchanged.")
        )

    @staticmethod
    def summarize(article) -> bool:
        """Regenerate through prepare(), the one place; True if the summary changed."""
        before = (article.summary, article.summary_generated)
        prepare(article)
        return (article.summary, article.summary_generated) != before
