"""Median time per page kind, in one process, on the database DATABASE_URL names.

    DATABASE_URL=postgres://… .venv/bin/python bench/latency.py

Requests article pages (200 published ones picked at random), front and tag pages
from page 1 down to page 50, and the feeds, through Django's test client with the
page cache off, and prints each kind's median. No server, no load generator: on a
busy shared machine this compares data sizes more steadily than wrk, whose floor
moves with everything else running. Run it against each database in turn, twice,
interleaved, and compare like with like.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.update(PAGE_CACHE_TIMEOUT="0", ALLOWED_HOSTS="testserver", DEBUG="False")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")

DEPTHS = (1, 2, 5, 10, 25, 50)
ROUNDS = 2


def url_lists() -> dict[str, list[str]]:
    from articles.models import Article, Tag

    rng = random.Random(7)
    top = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = rng.sample(range(1, top + 1), min(top, 600))
    articles = Article.objects.published().filter(pk__in=ids).only("slug")[:200]
    tags = list(Tag.objects.values_list("slug", flat=True))
    return {
        "article": [article.get_absolute_url() for article in articles],
        "front": [f"/?page={page}" for page in DEPTHS] * 10,
        "tag": [f"/tags/{tag}/?page={page}" for tag in tags for page in DEPTHS],
        "feed": ["/feed/"] + [f"/tags/{tag}/feed/" for tag in tags],
    }


def median_ms(client, urls: list[str]) -> float:
    for url in urls[:20]:  # warm the connection and the templates
        client.get(url)
    times = []
    for _ in range(ROUNDS):
        for url in urls:
            started = time.perf_counter()
            status = client.get(url).status_code
            times.append(time.perf_counter() - started)
            if status == 404:  # a tag with fewer than 50 pages
                times.pop()
    return statistics.median(times) * 1000


def main() -> None:
    import django

    django.setup()
    from django.test import Client

    from articles.models import Article

    client = Client()
    medians = {kind: median_ms(client, urls) for kind, urls in url_lists().items()}
    line = " | ".join(f"{kind} {ms:.1f} ms" for kind, ms in medians.items())
    print(f"{Article.objects.count():>9,} articles: {line}", flush=True)


if __name__ == "__main__":
    main()
