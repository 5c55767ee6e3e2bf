"""The churn phase of `make bench`: does the page cache survive a busy newsroom?

Run by bench/run.py against a running site (page cache on; PORT is Varnish in front
when the site's PAGE_CACHE_BACKEND says so), with the site's environment:
`churn.py PORT URL_FILE SECONDS CONNECTIONS`. While wrk reads the pages in URL_FILE
(front, article, tag) at CONNECTIONS for SECONDS, this process
- saves an old article every second through the model, as the desk does
  (a new headline: its page and its neighbours' links change);
- imports updates to the 10,000 oldest articles (`import_articles`, JSON Lines);
- checks pages it fetches itself against the database: a page showing an older
  headline than the row it read first, after that change's purge was confirmed
  (this process makes every change, so it knows), is *stale*.
It prints one line, `CHURN {json}`: wrk's counts, p99 and hit rate, the edits, the
import, and the stale pages found.
"""

import html
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
IMPORTED = 10_000
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from articles.models import Article  # noqa: E402
from pagecache import backends  # noqa: E402

# When each article's last purge was confirmed (wall clock), recorded as it happens.
flushed: dict[int, float] = {}
_real_purge = backends.purge


def recording_purge(keys):
    _real_purge(keys)
    now = time.time()
    for key in keys:
        if key.startswith("article:"):
            flushed[int(key.removeprefix("article:"))] = now


backends.purge = recording_purge  # pagecache.outbox sends through it


class Checks:
    def __init__(self):
        self.checked = 0
        self.stale: list[str] = []
        self.lock = threading.Lock()

    def page(self, port: int, path: str) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.read().decode()

    def article_shown(self, port: int, article_id: int, path: str) -> None:
        """The page at `path` must show the article's headline as read first, once that
        change's purge was confirmed."""
        row = Article.objects.filter(pk=article_id).values("headline", "updated_at").first()
        if row is None:
            return
        page = self.page(port, path)
        fetched = time.time()
        if html.escape(row["headline"]) in page:  # as Django escapes it
            with self.lock:
                self.checked += 1
            return
        done = flushed.get(article_id)
        if done is not None and row["updated_at"].timestamp() <= done <= fetched:
            with self.lock:
                self.checked += 1
                self.stale.append(f"{path} does not show “{row['headline']}”")
        # Otherwise the change is still being purged: not counted either way.


def editor(stop: threading.Event, old: list[int], edits: list) -> None:
    rng = random.Random(1)
    n = 0
    while not stop.wait(1.0):
        n += 1
        article = Article.objects.get(pk=rng.choice(old))
        article.headline = f"{article.headline.split(' [edit')[0]} [edit {n}]"
        article.save()
        edits.append(article.pk)
    connection.close()


def importer(ids: list[int], out: dict) -> None:
    run = int(time.time())  # a new headline on every run: each record is an update
    rows = Article.objects.filter(pk__in=ids).prefetch_related("tags").order_by("pk")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as source:
        for article in rows.iterator(chunk_size=2000):
            record = {
                "import_ref": article.import_ref,
                "headline": f"{article.headline.split(' [import')[0]} [import {run}]",
                "slug": article.slug,
                "standfirst": article.standfirst,
                "summary": article.summary,
                "summary_generated": article.summary_generated,
                "body": article.body,
                "tags": [tag.name for tag in article.tags.all()],
                "byline": article.byline,
                "status": article.status,
                "published_at": article.published_at.isoformat(),
            }
            source.write(json.dumps(record) + "\n")
    started = time.perf_counter()
    try:
        # Batches of 500: the default 2,000 updates overflow PostgreSQL's 65,535
        # parameters in bulk_update's statement (an importer limit, reported).
        call_command("import_articles", source.name, "--format", "jsonl", "--defer-summaries",
                     "--batch-size", "500", stdout=open(os.devnull, "w"))  # fmt: skip
        out["seconds"] = time.perf_counter() - started
    except Exception as error:  # reported, not lost in the thread
        out["error"] = f"{type(error).__name__}: {error}"
    finally:
        os.unlink(source.name)
        connection.close()


def checker(stop: threading.Event, port: int, checks: Checks, edits: list, ids: list) -> None:
    rng = random.Random(2)
    while not stop.is_set():
        if edits:
            article = Article.objects.get(pk=edits[-1])
            pages = [article, article.previous_article(), article.next_article()]
            for shown in filter(None, pages):
                checks.article_shown(port, article.pk, shown.get_absolute_url())
        sample = Article.objects.get(pk=rng.choice(ids))
        checks.article_shown(port, sample.pk, sample.get_absolute_url())
        time.sleep(0.05)
    connection.close()


def main() -> None:
    port, url_file, seconds, connections = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:5])
    port = int(port)
    oldest = list(
        Article.objects.published().order_by("published_at", "pk").values_list("pk", flat=True)
    )
    ids = oldest[:IMPORTED]
    # The import names its articles by ref; the demo's have none yet.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET import_ref = 'churn:' || id"
            " WHERE id = ANY(%s) AND import_ref = ''",
            [ids],
        )
    old = oldest[IMPORTED : IMPORTED + 2000] or oldest[:2000]
    stop, edits, imported, checks = threading.Event(), [], {}, Checks()
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "churn.lua"), f"http://127.0.0.1:{port}", "--", url_file]
    readers = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    workers = [
        threading.Thread(target=editor, args=(stop, old, edits)),
        threading.Thread(target=checker, args=(stop, port, checks, edits, ids)),
    ]
    for worker in workers:
        worker.start()
    time.sleep(2)
    importing = threading.Thread(target=importer, args=(ids, imported))
    importing.start()
    out, _ = readers.communicate()
    stop.set()
    importing.join()
    for worker in workers:
        worker.join()
    # After the dust settles: every imported and edited article's page, sampled.
    rng = random.Random(3)
    for article_id in rng.sample(ids, min(200, len(ids))) + edits:
        article = Article.objects.get(pk=article_id)
        checks.article_shown(port, article_id, article.get_absolute_url())
    stats = json.loads(next(ln for ln in out.splitlines() if ln.startswith("BENCH "))[6:])
    errors = sum(stats[k] for k in ("connect", "read", "write", "status", "timeout"))
    answered = stats["hits"] + stats["misses"]
    result = {
        **stats,
        "rps": stats["requests"] / (stats["duration_us"] / 1e6),
        "errors": errors,
        "hit_rate": stats["hits"] / answered if answered else 0.0,
        "edits": len(edits),
        "imported": len(ids),
        "import_seconds": imported.get("seconds", float("nan")),
        "import_error": imported.get("error"),
        "checked": checks.checked,
        "stale": len(checks.stale),
        "stale_examples": checks.stale[:5],
    }
    print("CHURN " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
