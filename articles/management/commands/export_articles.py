"""export_articles: every article, all statuses, as JSON Lines that import_articles reads back.

Streams the table in primary-key order with .iterator(), prefetching tags per chunk,
so memory stays flat. Articles written on this site (empty import_ref) are given
`newsroom:<slug>`, so importing the file back matches them by slug instead of
duplicating them.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from articles.importers.base import NATIVE_PREFIX
from articles.models import Article, Tag

CHUNK_SIZE = 2000


def article_record(article: Article) -> dict:
    """One article in the JSON Lines schema, plus the read-only keys import ignores."""
    return {
        "import_ref": article.import_ref or NATIVE_PREFIX + article.slug,
        "slug": article.slug,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "summary": article.summary,
        "body": article.body,
        "tags": sorted(tag.name for tag in article.tags.all()),
        "byline": article.byline,
        "source_name": article.source_name,
        "source_url": article.source_url,
        "status": article.status,
        "published_at": article.published_at.isoformat(),
        "summary_generated": article.summary_generated,
        "created_at": article.created_at.isoformat(),
        "updated_at": article.updated_at.isoformat(),
    }


class Command(BaseCommand):
    help = "Write every article (all statuses) as JSON Lines, the format import_articles reads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", metavar="FILE", help="Write here instead of standard output."
        )

    def handle(self, *args, output, **options):
        articles = (
            Article.objects.order_by("pk")
            .defer("body_text")
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")))
        )
        try:
            out = open(output, "w", encoding="utf-8", newline="\n") if output else None  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"{output}: cannot write: {error.strerror}") from None
        write = out.write if out else (lambda text: self.stdout.write(text, ending=""))
        count = 0
        try:
            for article in articles.iterator(chunk_size=CHUNK_SIZE):
                write(json.dumps(article_record(article), ensure_ascii=False) + "\n")
                count += 1
        finally:
            if out:
                out.close()
        if output:
            self.stdout.write(self.style.SUCCESS(f"Exported {count} articles to {output}."))
        else:
            self.stderr.write(f"Exported {count} articles.")
