"""Backfill generated summaries: `manage.py summarize_articles [--missing|--all] [--dry-run]`."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from articles.models import Article
from editorial.backfill import BATCH_SIZE, batches_of, fill_summaries


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
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes generating summaries (default: one per core).",
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1 or options["workers"] < 1:
            raise CommandError("--batch-size and --workers must be at least 1.")
        wanted = Q(summary="")
        if options["all"]:
            wanted |= Q(summary_generated=True)
        articles = Article.objects.filter(wanted)
        total = articles.count()
        dry_run = options["dry_run"]
        self.stdout.write(f"{total} article(s) to summarize{' (dry run)' if dry_run else ''}.")

        def progress(examined: int, changed: int) -> None:
            self.stdout.write(f"  {examined}/{total} examined, {changed} changed")

        examined, changed = fill_summaries(
            batches_of(articles, options["batch_size"]),
            workers=options["workers"],
            dry_run=dry_run,
            on_batch=progress,
        )
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(f"Summaries: {changed} {verb}, {examined - changed} unchanged.")
        )
