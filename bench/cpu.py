"""Python CPU per request for each page kind, in one process, with the page cache off.

    DATABASE_URL=postgres://… .venv/bin/python bench/cpu.py [--rounds 3] [--profile KIND]

Calls the site's WSGI application directly (no server, no load generator) for the
same URLs bench/run.py loads, and reports each kind's median `time.process_time()`
per request: the CPU this process spent, which is the app's share of a request.
PostgreSQL's own time is another process's CPU and is left out, so on a busy shared
machine this moves far less than wrk's req/s, and two checkouts can be compared on
the same database by running it in each, in turn. With `--profile KIND` it prints
that kind's cProfile, heaviest functions first (what docs/reader-speed.md reads).
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.update(PAGE_CACHE_TIMEOUT="0", DEBUG="False", ALLOWED_HOSTS="127.0.0.1")
os.environ.update(SECURE_SSL_REDIRECT="False", LOG_LEVEL="ERROR")

KINDS = ("article", "front", "tag", "section", "author")
DEPTHS = (1, 2, 3, 5, 10)
ARTICLES = 200


def url_lists() -> dict[str, list[str]]:
    """The addresses of each page kind: random published articles, list pages deep
    and shallow. A section page is a tag page whose tag editors show in the header."""
    from articles.models import Article, Author, Tag

    rng = random.Random(7)
    top = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = rng.sample(range(1, top + 1), min(top, 3 * ARTICLES))
    articles = Article.objects.published().filter(pk__in=ids).only("slug")[:ARTICLES]
    tags = Tag.objects.order_by("name")

    def pages(base: str) -> list[str]:
        return [base + (f"?page={page}" if page > 1 else "") for page in DEPTHS]

    return {
        "article": [article.get_absolute_url() for article in articles],
        "front": pages("/") * 4,
        "tag": [u for t in tags.filter(is_section=False) for u in pages(t.get_absolute_url())],
        "section": [u for t in tags.filter(is_section=True) for u in pages(t.get_absolute_url())],
        "author": [u for a in Author.objects.order_by("name") for u in pages(a.get_absolute_url())],
    }


def request(app, url: str) -> int:
    """One GET through the whole WSGI stack, its body read as a server would."""
    path, _, query = url.partition("?")
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": "127.0.0.1"}
    setup_testing_defaults(environ)
    status = []
    body = app(environ, lambda s, headers, exc_info=None: status.append(s))
    for _ in body:
        pass
    body.close()
    return int(status[0].split()[0])


def cpu_ms(app, urls: list[str], rounds: int) -> float:
    """Median process CPU per request over `rounds` passes, after a warming pass."""
    for url in urls:
        if (code := request(app, url)) != 200:
            raise SystemExit(f"{url} answered {code}")
    times = []
    for _ in range(rounds):
        for url in urls:
            started = time.process_time()
            request(app, url)
            times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def profile(app, urls: list[str], rounds: int) -> str:
    for url in urls:
        request(app, url)
    profiler = cProfile.Profile(time.process_time)  # CPU, as the column: waits left out
    profiler.enable()
    for _ in range(rounds):
        for url in urls:
            request(app, url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=KINDS, help="print this kind's cProfile instead")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    from articles.models import Article

    app = get_wsgi_application()
    lists = url_lists()
    if args.profile:
        print(profile(app, lists[args.profile], args.rounds))
        return
    kinds = [kind for kind in args.kinds.split(",") if lists.get(kind)]
    line = " | ".join(f"{kind} {cpu_ms(app, lists[kind], args.rounds):.2f}" for kind in kinds)
    print(f"{Article.objects.count():,} articles, app CPU ms per request: {line}", flush=True)


if __name__ == "__main__":
    main()
