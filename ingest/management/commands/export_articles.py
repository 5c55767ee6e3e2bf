"""export_articles: every article, all statuses, as JSON Lines that import_articles reads back.

Streams the table in primary-key order with .iterator(), prefetching tags per chunk,
so memory stays flat. Each line holds every field of the schema
(ingest/importers/schema.py). Articles written on this site (empty import_ref)
are given `newsroom:<slug>`, so importing the file back matches them by slug
instead of duplicating them. `--media-dir` also writes the uploaded lead images.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Prefetch

from articles.models import Article, Tag
from articles.models.correction import Correction
from ingest.importers.media import write_file
from ingest.importers.schema import record

CHUNK_SIZE = 2000


class Command(BaseCommand):
    help = "Write every article (all statuses) as JSON Lines, the format import_articles reads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", metavar="FILE", help="Write here instead of standard output."
        )
        parser.add_argument(
            "--media-dir",
            metavar="DIR",
            type=Path,
            help=(
                "Also copy each uploaded lead image here, under its storage name, for "
                "`import_articles --media-dir DIR` to take back."
            ),
        )

    def handle(self, *args, output, media_dir, **options):
        articles = (
            # The trash is this site's waiting room before deletion: not exported.
            Article.objects.not_trashed()
            .order_by("pk")
            .defer("body_text", "tag_names")
            .annotate(author_username=F("author__username"))
            .prefetch_related(
                Prefetch("tags", queryset=Tag.objects.only("name")),
                Prefetch("corrections", queryset=Correction.objects.select_related("created_by")),
                "redirects",
                "old_addresses",
            )
            .with_author_links()
        )
        try:
            out = open(output, "w", encoding="utf-8", newline="\n") if output else None  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"{output}: cannot write: {error.strerror}") from None
        write = out.write if out else (lambda text: self.stdout.write(text, ending=""))
        count = files = 0
        try:
            for article in articles.iterator(chunk_size=CHUNK_SIZE):
                write(json.dumps(record(article), ensure_ascii=False) + "\n")
                count += 1
                if media_dir and article.lead_image:
                    files += self.write_media(article, media_dir)
        finally:
            if out:
                out.close()
        with_files = f" and {files} image files to {media_dir}" if media_dir else ""
        if output:
            self.stdout.write(
                self.style.SUCCESS(f"Exported {count} articles to {output}{with_files}.")
            )
        else:
            self.stderr.write(f"Exported {count} articles{with_files}.")

    def write_media(self, article, media_dir: Path) -> int:
        try:
            write_file(article, media_dir)
        except OSError as error:
            # The record still names the image by URL; say which file is missing.
            self.stderr.write(f"{article.slug}: lead image not copied: {error}")
            return 0
        return 1
