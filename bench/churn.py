"""The churn phase of `make bench`: does the page cache survive a busy newsroom?

Run by bench/run.py against a running site (page cache on; PORT is Varnish in front
when the site's PAGE_CACHE_BACKEND says so), with the site's environment:
`churn.py PORT URL_FILE SECONDS CONNECTIONS RATE`. While wrk reads the pages in
URL_FILE (front, article, tag) at CONNECTIONS for SECONDS, at most RATE requests a
second (readers at a steady rate: flat out, the readers and the cache would take
every core of this machine, where production gives them machines of their own),
- an editor (a thread here) saves an old article every second through the model, as
  the desk does (a new headline: its page and its neighbours' links change);
- an operator imports updates to the 10,000 oldest articles (`manage.py
  import_articles`, JSON Lines, in its own process as an operator runs it);
- a checker reads pages itself: a read that starts after an editor's save returned
  and does not show that save's headline is *stale*; so is, after the import
  returned, an imported article's page without its imported headline.
It prints one line, `CHURN {json}`: wrk's counts, p99 and hit rate, the saves made
and their slowest time, the import, and the stale pages found.
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

from django.db import connection  # noqa: E402

from articles.models import Article  # noqa: E402


class Checks:
    def __init__(self):
        self.checked = 0
        self.stale: list[str] = []
        self.failed: list[str] = []
        self.lock = threading.Lock()

    def shows(self, port: int, path: str, headline: str, since: float) -> None:
        """A read of `path` starting now, after `since` (when the change returned),
        must show `headline`."""
        started = time.time()
        if started < since:
            return
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                page = response.read().decode()
        except OSError as error:  # counted with the readers' errors
            with self.lock:
                self.failed.append(f"{path}: {error}")
            return
        with self.lock:
            self.checked += 1
            if html.escape(headline) not in page:  # as the templates escape it
                self.stale.append(f"{path} does not show “{headline}”")


class Editor:
    """Saves an old article every second; remembers each save's headline and when it
    returned."""

    def __init__(self, old: list[int]):
        self.old = old
        self.saved: dict[int, tuple[str, float]] = {}
        self.last: int | None = None
        self.seconds: list[float] = []
        self.lock = threading.Lock()

    def run(self, stop: threading.Event) -> None:
        rng = random.Random(1)
        n = 0
        while not stop.wait(1.0):
            n += 1
            started = time.perf_counter()
            article = Article.objects.get(pk=rng.choice(self.old))
            article.headline = f"{article.headline.split(' [edit')[0]} [edit {n}]"
            article.save()
            with self.lock:
                self.saved[article.pk] = (article.headline, time.time())
                self.last = article.pk
            self.seconds.append(time.perf_counter() - started)
        connection.close()

    def latest(self) -> tuple[int, str, float] | None:
        with self.lock:
            if self.last is None:
                return None
            return self.last, *self.saved[self.last]


def import_file(ids: list[int], run: int) -> str:
    """A JSON Lines file updating `ids`: a new headline each (`[import RUN]`)."""
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
    return source.name


def checker(stop: threading.Event, port: int, checks: Checks, editor: Editor) -> None:
    while not stop.is_set():
        if saved := editor.latest():
            pk, headline, returned = saved
            article = Article.objects.get(pk=pk)
            pages = [article, article.previous_article(), article.next_article()]
            for shown in filter(None, pages):  # its neighbours link to it by headline
                checks.shows(port, shown.get_absolute_url(), headline, returned)
        time.sleep(0.05)
    connection.close()


def main() -> None:
    port, url_file = int(sys.argv[1]), sys.argv[2]
    seconds, connections, rate = map(int, sys.argv[3:6])
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
    run = int(time.time())  # a new headline on every run: each record is an update
    source = import_file(ids, run)
    stop, checks, editor = threading.Event(), Checks(), Editor(old)
    pause = connections * 1000 // rate  # ms between one connection's requests
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "churn.lua"), f"http://127.0.0.1:{port}", "--"]
    command += [url_file, str(pause)]
    readers = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    workers = [
        threading.Thread(target=editor.run, args=(stop,)),
        threading.Thread(target=checker, args=(stop, port, checks, editor)),
    ]
    for worker in workers:
        worker.start()
    time.sleep(2)
    started = time.perf_counter()
    # Batches of 500: the default 2,000 updates overflow PostgreSQL's 65,535
    # parameters in bulk_update's statement (an importer limit, reported).
    importing = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", source, "--format", "jsonl",
         "--defer-summaries", "--batch-size", "500"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    out, _ = readers.communicate()
    stop.set()
    for worker in workers:
        worker.join()
    _, import_errors = importing.communicate()
    import_seconds = time.perf_counter() - started
    imported_at = time.time()
    os.unlink(source)
    # After the dust settles: every edited article's page, and imported ones, sampled.
    for pk, (headline, returned) in editor.saved.items():
        checks.shows(port, Article.objects.get(pk=pk).get_absolute_url(), headline, returned)
    if importing.returncode == 0:
        for article in Article.objects.filter(pk__in=random.Random(3).sample(ids, 200)):
            checks.shows(port, article.get_absolute_url(), article.headline, imported_at)
    stats = json.loads(next(ln for ln in out.splitlines() if ln.startswith("BENCH "))[6:])
    errors = sum(stats[k] for k in ("connect", "read", "write", "status", "timeout"))
    errors += len(checks.failed)
    answered = stats["hits"] + stats["misses"]
    result = {
        **stats,
        "rps": stats["requests"] / (stats["duration_us"] / 1e6),
        "errors": errors,
        "hit_rate": stats["hits"] / answered if answered else 0.0,
        "edits": len(editor.seconds),
        "slowest_save": max(editor.seconds, default=float("nan")),
        "imported": len(ids),
        "import_seconds": import_seconds,
        "import_error": import_errors.strip()[-500:] if importing.returncode else None,
        "checked": checks.checked,
        "stale": len(checks.stale),
        "stale_examples": checks.stale[:5],
        "failed_examples": checks.failed[:5],
    }
    print("CHURN " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
