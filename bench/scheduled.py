"""The scheduled phase of `make bench`: how late does a scheduled story reach readers?

Run by bench/run.py against a running site behind Varnish, with the site's
environment: `scheduled.py PORT LEAD_SECONDS`. It schedules a new story LEAD_SECONDS
ahead as the desk does (editorial.publishing.schedule) on a tag, a section and an
author, after warming every cached surface that will show it: the front page, its tag,
section and author pages and their feeds, the site's feeds, the news sitemap, the API
list, the page of the story it will follow (which gains a "Next" link) and its own
address. One thread a surface then reads it every 50 ms through the public entry:
no response that ended before the story's time may show it (a leak); after it, each
surface's delay is the time from the story's moment to the end of the first
response showing it. It prints one line, `SCHEDULED {json}`: each surface's delay,
how many of its reads before the time were cache hits (none in the last second:
lifetimes are whole seconds, cut at the story's time), any leak, and the reads that
failed.
"""

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Author, Tag  # noqa: E402
from editorial import publishing  # noqa: E402

POLL_SECONDS = 0.05
GIVE_UP_SECONDS = 30


def read(port: int, path: str) -> tuple[str, str]:
    """The page's text and its X-Cache header ("" for a 404, which no cache keeps)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.read().decode(), response.headers.get("X-Cache", "")
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return "", error.headers.get("X-Cache", "")
        raise


def surfaces(story: Article, tag: Tag, section: Tag, author: Author, before: Article) -> list:
    return [
        "/",
        f"/tags/{tag.slug}/",
        f"/tags/{section.slug}/",
        f"/authors/{author.slug}/",
        f"/tags/{tag.slug}/feed/",
        f"/authors/{author.slug}/feed.json",
        "/feed/",
        "/feed/atom/",
        "/feed.json",
        "/sitemap-news.xml",
        "/api/v1/articles/",
        before.get_absolute_url(),  # gains "Next"
        story.get_absolute_url(),  # 404 until its time
    ]


def watch(port: int, path: str, marker: str, moment: float, out: dict) -> None:
    """Read `path` until it shows `marker`: a response that shows it and ended before
    `moment` is a leak; otherwise the delay is from `moment` to the end of the first
    response that shows it (one that began just before may have been made after)."""
    deadline = moment + GIVE_UP_SECONDS
    while time.time() < deadline:
        try:
            page, state = read(port, path)
        except OSError as error:  # an answer readers could not use: counted, read again
            out["errors"].append(str(error))
            time.sleep(POLL_SECONDS)
            continue
        done = time.time()
        if marker in page:
            if done < moment:
                out["leak"] = f"shown {moment - done:.2f} s before its time"
            else:
                out["delay"] = round(done - moment, 3)
            return
        if done < moment:
            out["reads_before"] += 1
            out["hits_before"] += state == "hit"
        time.sleep(POLL_SECONDS)
    out["delay"] = None  # never seen: reported as missed


def main() -> None:
    port, lead = int(sys.argv[1]), float(sys.argv[2])
    editor, _ = get_user_model().objects.get_or_create(
        username="bench-scheduler", defaults={"is_staff": True, "is_superuser": True}
    )
    tag = Tag.objects.filter(is_section=False, articles__isnull=False).first()
    section = Tag.objects.filter(is_section=True, articles__isnull=False).first()
    author = Author.objects.filter(articles__isnull=False).first()
    before = Article.objects.published().order_by("-published_at", "-pk").first()
    marker = f"scheduled-{uuid.uuid4().hex[:12]}"
    story = Article.objects.create(
        headline=f"Bench scheduled story {marker}",
        slug=marker,
        standfirst="A story the benchmark schedules.",
        body="<p>It goes public by itself at its time.</p>",
        byline=author.name,
    )
    story.tags.set([tag, section])
    story.authors.set([author])
    paths = surfaces(story, tag, section, author, before)
    time.sleep(settings.PURGE_REPEAT_AFTER + 0.5)  # the draft's own purges are done
    for path in paths:
        read(port, path)
    moment = timezone.now() + timedelta(seconds=lead)
    publishing.schedule(story, editor, moment)
    at = moment.timestamp()
    results = {path: {"reads_before": 0, "hits_before": 0, "errors": []} for path in paths}
    watchers = [
        threading.Thread(target=watch, args=(port, path, f"/{marker}/", at, results[path]))
        for path in paths
    ]
    for watcher in watchers:
        watcher.start()
    for watcher in watchers:
        watcher.join()
    delays = [r.get("delay") for r in results.values() if "leak" not in r]
    print(
        "SCHEDULED "
        + json.dumps(
            {
                "lead_seconds": lead,
                "surfaces": results,
                "worst": None if None in delays or not delays else max(delays),
                "leaks": [p for p, r in results.items() if "leak" in r],
                "errors": sum(len(r["errors"]) for r in results.values()),
            }
        ),
        flush=True,
    )
    connection.close()


if __name__ == "__main__":
    main()
