"""EXPLAIN ANALYZE every query of the public pages, on the database DATABASE_URL names.

    DATABASE_URL=postgres://… .venv/bin/python bench/explain.py

Runs each page once through Django's test client with the page cache off,
captures its SQL and prints, per query, the execution time and any sequential
scan in its plan. A plan that scans a table reads every row: at a million
articles that is the thing to fix.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.update(PAGE_CACHE_TIMEOUT="0", ALLOWED_HOSTS="testserver", DEBUG="True")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article, Tag
    from reader.sitemaps import ArticleSitemap

    total = Article.objects.count()
    middle = Article.objects.published().order_by("-published_at")[total // 2 :][:1].get()
    tag = Tag.objects.order_by("name").first()
    last_sitemap_page = ArticleSitemap().paginator.num_pages
    pages = {
        "article (middle of the archive)": middle.get_absolute_url(),
        "front": "/",
        "front, page 50": "/?page=50",
        "tag": tag.get_absolute_url(),
        "tag, page 50": f"{tag.get_absolute_url()}?page=50",
        "feed": "/feed/",
        "tag feed": f"{tag.get_absolute_url()}feed/",
        "search": "/search/?q=harbour",
        "sitemap index": "/sitemap.xml",
        "article sitemap, last page": f"/sitemap-articles.xml?p={last_sitemap_page}",
        "tag sitemap": "/sitemap-tags.xml",
        "news sitemap": "/sitemap-news.xml",
    }
    print(f"{total:,} articles on {connection.vendor}")
    client = Client()
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        print(f"\n{name}: {url} -> {status}, {len(captured)} queries")
        for query in captured.captured_queries:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + query["sql"])
                plan = [row[0] for row in cursor.fetchall()]
            took = next(line for line in plan if line.startswith("Execution Time"))
            scans = sorted(
                {
                    line.split("Seq Scan on ")[1].split()[0]
                    for line in plan
                    if "Seq Scan on " in line
                }
            )
            where = "SEQ SCAN " + ", ".join(scans) if scans else "indexed"
            print(f"  {took.split(': ')[1]:>12}  {where}  {query['sql'][:90]}")
            if os.environ.get("EXPLAIN_VERBOSE"):
                print("\n".join("      " + line for line in plan))


if __name__ == "__main__":
    main()
