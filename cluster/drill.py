"""`make cluster-drill`: readers through the public entry while the cluster's pieces fail.

64 reader threads load front, article, tag, feed and search pages through Varnish
(each pausing between requests, so the drill's own CPU stays modest on a shared
machine) for seven phases of a minute each:

1. an editor publishes a story with server 1's settings; it must show through both
   servers within a second;
2. app server 2 is killed with SIGKILL and started again 20 s later;
3. Redis is restarted;
4. the replica is stopped for 30 s, then started;
5. the primary is stopped for 10 s, then started: readers may get 503 with
   Retry-After meanwhile, and both servers must serve again within 10 s of its return;
6. Varnish is restarted (a cold cache): connections refused while it is down are
   counted apart; every request once it listens again must succeed;
7. the purge path (the relay to Varnish, cluster/relay.py) is cut for 30 s while an
   editor publishes a story: once it is back, no purge is left in the outbox, the
   story shows through Varnish, and no page fetched after that is stale.

Every 200 fetched after the story became visible is checked against the primary:
its links to articles and tags, in order, must be those the same address renders
from the primary in this process (Django's test client, page cache off). A
difference is a stale page. A page linking an unpublished article, or containing
the drill's own draft, and a 200 for a draft's address, are draft pages.

It prints one line per phase and exits non-zero if a phase broke its promise: any
non-2xx outside phase 5 (but for phase 6's refused connections), any 500 (or a 503
without Retry-After) anywhere, any stale or draft page anywhere, a purge left waiting,
a publish seen later than 1 s, or servers back later than 10 s.

Longer than 400 lines on purpose: one drill, its phases in the order they run;
split, they would be scattered across modules nothing else imports.
"""

import http.client
import json
import logging
import os
import queue
import random
import re
import signal
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from cluster import services as s
from cluster.probes import Poller, fetch_header

READERS = 64
PAUSE = 0.2  # seconds each reader waits between requests: at most 320 requests a second
PHASE_SECONDS = int(os.environ.get("DRILL_PHASE_SECONDS", 60))  # shorter only to try it out
VISIBLE_WITHIN = 1.0
RECOVER_WITHIN = 10.0
# A link to an article or a tag page, relative or absolute, in HTML, XML or JSON.
LINK = re.compile(r'(?:href="|https?://[^/"<\s]+)(/[^"<\s?#]*)')


@dataclass
class Phase:
    name: str
    requests: int = 0
    codes: Counter = field(default_factory=Counter)  # every non-2xx status (0: no answer)
    latencies: list = field(default_factory=list)
    no_retry_after: int = 0
    refused_while_down: int = 0  # phase 6: connections refused while Varnish restarts
    stale: int = 0
    drafts: int = 0
    recovery: str = "-"
    broken: list = field(default_factory=list)


class Drill:
    def __init__(self):
        self.stop = threading.Event()
        self.phases: list[Phase] = []
        self.lock = threading.Lock()
        self.check_after = float("inf")  # fetches started after this are checked
        self.to_check: queue.Queue = queue.Queue()
        self.urls: dict[str, list[str]] = {}
        self.hidden_slugs: set[str] = set()
        self.known_slugs: set[str] = set()
        self.draft_marker = ""
        self.truth: dict[str, tuple | None] = {}
        self.last_503 = 0.0
        self.checked = 0  # pages compared with the primary
        self.varnish_down = (float("inf"), float("inf"))  # from, until (monotonic)
        self.verified: set = set()  # (address, links) found current: most fetches repeat one

    # Readers ---------------------------------------------------------------------

    def pick(self) -> tuple[str, int]:
        kind = random.choices(
            ["article", "front", "tag", "feed", "search", "draft"], [40, 20, 15, 14, 10, 1]
        )[0]
        return random.choice(self.urls[kind]), 404 if kind == "draft" else 200

    def reader(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", s.PUBLIC_PORT, timeout=30)
        while not self.stop.is_set():
            url, expected = self.pick()
            phase, started = self.phases[-1], time.monotonic()
            try:
                connection.request("GET", url)
                response = connection.getresponse()
                body = response.read()
                status, retry_after = response.status, response.getheader("Retry-After")
            except (OSError, http.client.HTTPException):
                connection.close()
                status, body, retry_after = 0, b"", None
            self.record(phase, started, url, expected, status, body, retry_after)
            self.stop.wait(PAUSE)
        connection.close()

    def record(self, phase, started, url, expected, status, body, retry_after) -> None:
        elapsed = time.monotonic() - started
        with self.lock:
            phase.requests += 1
            phase.latencies.append(elapsed)
            if status == 0 and self.varnish_down[0] <= started < self.varnish_down[1]:
                phase.refused_while_down += 1  # Varnish restarting: counted apart
                return
            if expected == 404:  # a draft's address
                phase.drafts += status == 200
                if status not in (200, 404):
                    phase.codes[status] += 1
                return
            if not 200 <= status < 300:
                phase.codes[status] += 1
            if status == 503:
                self.last_503 = max(self.last_503, started)
                phase.no_retry_after += not retry_after
        if status == 200:
            self.inspect(phase, started, url, body.decode(errors="replace"))

    # Checking pages against the primary ---------------------------------------------

    def links(self, html: str) -> tuple:
        found = []
        for path in LINK.findall(html):
            parts = path.strip("/").split("/")
            if (len(parts) == 1 and parts[0] in self.known_slugs) or (
                len(parts) == 2 and parts[0] == "tags"
            ):
                found.append(path)
        return tuple(found)

    def inspect(self, phase: Phase, started: float, url: str, html: str) -> None:
        """Count a draft page now; queue the page's links for checking against the primary."""
        fetched = self.links(html)
        if (self.draft_marker and self.draft_marker in html) or any(
            path.strip("/") in self.hidden_slugs for path in fetched
        ):
            with self.lock:
                phase.drafts += 1
        if started > self.check_after:
            self.to_check.put((phase, url, fetched, started))

    def primary_truth(self, url: str) -> tuple | None:
        """The links the primary's content gives this address now (None: ask again later)."""
        if url not in self.truth:
            from django.db import close_old_connections
            from django.test import Client

            # The test client keeps connections across requests; one broken by the
            # primary's restart must be dropped here.
            close_old_connections()
            try:
                response = Client(headers={"host": f"127.0.0.1:{s.PUBLIC_PORT}"}).get(url)
            except Exception:
                return None
            if response.status_code != 200:
                return None  # the primary is down: the page is checked once it is back
            self.truth[url] = self.links(response.content.decode())
        return self.truth[url]

    def checker(self) -> None:
        verified = self.verified
        while not (self.stop.is_set() and self.to_check.empty()):
            try:
                phase, url, fetched, started = self.to_check.get(timeout=0.5)
            except queue.Empty:
                continue
            if started <= self.check_after:
                continue  # fetched before a later change (phase 7): its truth is gone
            self.checked += 1
            if (url, fetched) in verified:
                continue
            deadline = time.monotonic() + 120
            while (truth := self.primary_truth(url)) is None and time.monotonic() < deadline:
                time.sleep(1)
            if fetched == truth:
                verified.add((url, fetched))
                continue
            s.say(f"stale page: {url} ({phase.name})" if truth else f"unchecked: {url}")
            with self.lock:
                phase.stale += 1

    # Phases -----------------------------------------------------------------------

    def phase(self, name: str) -> Phase:
        phase = Phase(name)
        self.phases.append(phase)
        s.say(f"phase {len(self.phases)}: {name}")
        return phase

    def write_story(self, with_draft: bool) -> tuple[str, str, float]:
        """Publish a story (and write a draft beside it) as the desk does, with server
        1's settings: (its slug, its search word, when it committed, monotonic)."""
        token = "drill" + "".join(random.choices("bcdfghjklmnpqrstvwxz", k=10))
        marker = "draft" + "".join(random.choices("bcdfghjklmnpqrstvwxz", k=10))
        story, draft = f"harbour-{token}-reopens", f"harbour-{marker}-plan"
        # Known before it exists, so every page fetched after the commit is read right.
        # It is written and published as the desk does (editorial.publishing.publish(),
        # by=None being the operator running a command), in one transaction.
        self.known_slugs |= {story, draft}
        code = (
            "import time; from django.db import transaction; "
            "from articles.models import Article, Tag; from editorial import publishing; "
            "tag = Tag.objects.get(slug='climate')\n"
        )
        if with_draft:
            self.hidden_slugs.add(draft)
            self.draft_marker = marker
            self.urls["draft"].append(f"/{draft}/")
            code += (
                "with transaction.atomic():\n"
                f"    draft = Article.objects.create(headline='Harbour {marker} plan', "
                f"slug='{draft}', body='<p>Not yet {marker}.</p>', status='draft'); "
                "draft.tags.add(tag)\n"
            )
        code += (
            "with transaction.atomic():\n"
            f"    story = Article.objects.create(headline='Harbour {token} reopens', "
            f"slug='{story}', "
            f"body='<p>The harbour {token} is open.</p>', status='draft')\n"
            "    story.tags.add(tag); publishing.publish(story, None)\n"
            "print(time.time())"
        )
        committed = float(s.manage("shell", "--no-imports", "-c", code))
        return story, token, time.monotonic() - (time.time() - committed)

    def publish(self, phase: Phase) -> None:
        story, token, committed = self.write_story(with_draft=True)
        self.check_after = committed + VISIBLE_WITHIN
        must_show = ["/", "/tags/climate/", "/feed/", "/tags/climate/feed/", f"/search/?q={token}"]
        must_show += [f"/{story}/", f"/{self.urls['newest'][0]}/"]
        pollers = [
            Poller(port, url, story, committed)
            for port in [*s.APP_PORTS.values(), s.PUBLIC_PORT]
            for url in must_show
        ]
        for poller in pollers:
            poller.start()
        for poller in pollers:
            poller.join()
        self.urls["article"].append(f"/{story}/")
        self.urls["search"].append(f"/search/?q={token}")
        visible = max(poller.visible_after for poller in pollers)
        phase.recovery = f"seen on both and through Varnish within {visible:.2f} s"
        if visible > VISIBLE_WITHIN:
            late = [f":{p.port}{p.url}" for p in pollers if p.visible_after > VISIBLE_WITHIN]
            phase.broken.append(f"publish seen after {visible:.2f} s on {', '.join(late)}")

    def kill_app_server(self, phase: Phase) -> None:
        pid = s.read_pid("app2")
        s.say(f"SIGKILL to app server 2 (process group {pid})")
        os.killpg(pid, signal.SIGKILL)
        (s.VAR / "app2.pid").unlink()
        s.wait_for("app server 2 to be gone", lambda: not s.port_open(s.APP_PORTS[2]))
        time.sleep(20)
        restarted = time.monotonic()
        s.start_app(2)
        phase.recovery = f"serving {time.monotonic() - restarted:.1f} s after restart"

    def restart_redis(self, phase: Phase) -> None:
        s.stop_redis()
        s.reap()
        s.start_redis()
        back = time.monotonic()
        while not all(s.http_status(port) == 200 for port in s.APP_PORTS.values()):
            if time.monotonic() - back > 30:
                break
            time.sleep(0.1)
        phase.recovery = f"app servers healthy {time.monotonic() - back:.1f} s after restart"

    def stop_replica(self, phase: Phase) -> None:
        s.pg_stop("replica", s.REPLICA)
        time.sleep(30)
        s.pg_start("replica", s.REPLICA)
        back = time.monotonic()
        reads = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'newsroom'"
        while s.psql(reads, port=s.REPLICA_PORT) == "0" and time.monotonic() - back < 60:
            time.sleep(0.5)
        phase.recovery = f"replica reads again {time.monotonic() - back:.1f} s after start"

    def restart_primary(self, phase: Phase) -> None:
        s.pg_stop("primary", s.PRIMARY)
        time.sleep(10)
        s.pg_start("primary", s.PRIMARY)
        back = time.monotonic()
        while not all(s.http_status(port) == 200 for port in s.APP_PORTS.values()):
            if time.monotonic() - back > 60:
                break
            time.sleep(0.1)
        healthy = time.monotonic() - back
        time.sleep(15)  # readers keep going: any 503 after the recovery would show
        recovered = max(healthy, self.last_503 - back)
        phase.recovery = f"serving {recovered:.1f} s after its return"
        if recovered > RECOVER_WITHIN:
            phase.broken.append(f"app servers serving {recovered:.1f} s after the primary's return")

    def restart_varnish(self, phase: Phase) -> None:
        self.varnish_down = (time.monotonic(), float("inf"))
        s.stop_varnish()
        s.reap()
        s.start_varnish()
        self.varnish_down = (self.varnish_down[0], time.monotonic())
        back = time.monotonic()
        while fetch_header("/", "X-Cache") != "hit" and time.monotonic() - back < 30:
            time.sleep(0.1)
        phase.recovery = (
            f"cold cache hits {time.monotonic() - back:.1f} s after restart;"
            f" {phase.refused_while_down} refused while down"
        )

    def cut_purge_path(self, phase: Phase) -> None:
        s.stop_pid("purge-relay")
        cut = time.monotonic()
        self.check_after = float("inf")  # pages may be stale while purges cannot pass
        story, _, _ = self.write_story(with_draft=False)
        time.sleep(max(0.0, 30 - (time.monotonic() - cut)))
        s.start_purge_path()
        back = time.monotonic()
        waiting = "from pagecache.models import Purge; print(Purge.objects.count())"
        while (left := int(s.manage("shell", "--no-imports", "-c", waiting))) and (
            time.monotonic() - back < 30
        ):
            time.sleep(0.5)
        emptied = time.monotonic() - back
        with self.lock:
            self.truth.clear()  # the primary's pages changed with the story
            self.verified.clear()
        self.check_after = time.monotonic()
        self.urls["article"].append(f"/{story}/")
        shown = Poller(s.PUBLIC_PORT, "/", story, time.monotonic())
        shown.run()  # here, not as a thread: the phase waits for it
        phase.recovery = f"outbox empty {emptied:.1f} s after the path came back"
        if left:
            phase.broken.append(f"{left} purges still waiting 30 s after the path came back")
        if shown.visible_after == float("inf"):
            phase.broken.append("the story published during the cut never showed through Varnish")

    # Running -------------------------------------------------------------------------

    def run(self) -> int:
        self.load_urls()
        threads = [threading.Thread(target=self.reader, daemon=True) for _ in range(READERS)]
        checker = threading.Thread(target=self.checker, daemon=True)
        steps = [
            ("editor publishes through app server 1", self.publish),
            ("app server 2 SIGKILLed, restarted 20 s later", self.kill_app_server),
            ("Redis restarted", self.restart_redis),
            ("replica stopped for 30 s", self.stop_replica),
            ("primary restarted (down 10 s)", self.restart_primary),
            ("Varnish restarted (cold cache)", self.restart_varnish),
            ("purge path cut for 30 s while an editor publishes", self.cut_purge_path),
        ]
        started = time.monotonic()
        for number, (name, action) in enumerate(steps):
            phase, begun = self.phase(name), time.monotonic()
            if number == 0:
                for thread in [*threads, checker]:
                    thread.start()
            time.sleep(5)
            action(phase)
            time.sleep(max(0.0, PHASE_SECONDS - (time.monotonic() - begun)))
        self.stop.set()
        for thread in threads:
            thread.join()
        checker.join()
        return self.report(time.monotonic() - started)

    def load_urls(self) -> None:
        s.say("loading addresses from the primary")
        code = (
            "from articles.models import Article, Tag; import json; published = "
            "list(Article.objects.published().values_list('slug', flat=True)); print(json.dumps("
            "{'published': published, 'hidden': list(Article.objects.exclude(slug__in=published)"
            ".values_list('slug', flat=True)), 'tags': list(Tag.objects.values_list('slug', "
            "flat=True))}))"
        )
        found = json.loads(s.manage("shell", "--no-imports", "-c", code))
        published, tags = found["published"], found["tags"]
        self.hidden_slugs = set(found["hidden"])
        self.known_slugs = set(published) | self.hidden_slugs
        words = ["harbour", "council", "bridge", "school", "river", "flood", "library", "solar"]
        self.urls = {
            "newest": published[:5],
            "article": [f"/{slug}/" for slug in published[:5] + random.sample(published, 1000)],
            "front": ["/", "/?page=2", "/?page=3"],
            "tag": [f"/tags/{tag}/" for tag in tags] + [f"/tags/{tag}/?page=2" for tag in tags],
            "feed": ["/feed/", "/feed/atom/", "/feed.json"] + [f"/tags/{t}/feed/" for t in tags],
            "search": [f"/search/?q={word}" for word in words],
            "draft": [f"/{slug}/" for slug in random.sample(sorted(self.hidden_slugs), 5)],
        }

    def report(self, seconds: float) -> int:
        load = os.getloadavg()[0]
        print(
            f"\nCluster drill, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
            f"{seconds:.0f} s, {READERS} readers through Varnish, load average {load:.1f}\n"
        )
        print("| phase | requests | non-2xx | p50 | p99 | recovery | stale | drafts |")
        print("| --- | ---: | --- | ---: | ---: | --- | ---: | ---: |")
        broken = []
        for number, phase in enumerate(self.phases, 1):
            codes = ", ".join(f"{c or 'no answer'}: {n}" for c, n in sorted(phase.codes.items()))
            p50, p99 = quantiles(phase.latencies)
            print(
                f"| {number}. {phase.name} | {phase.requests:,} | {codes or 0} | {p50:.0f} ms "
                f"| {p99:.0f} ms | {phase.recovery} | {phase.stale} | {phase.drafts} |"
            )
            if number != 5 and phase.codes:
                phase.broken.append(f"non-2xx answers: {codes}")
            if phase.codes[500]:
                phase.broken.append(f"{phase.codes[500]} answers were 500")
            if phase.no_retry_after:
                phase.broken.append(f"{phase.no_retry_after} answers were 503 without Retry-After")
            if phase.stale or phase.drafts:
                phase.broken.append(f"{phase.stale} stale pages, {phase.drafts} draft pages")
            broken += [f"phase {number}: {problem}" for problem in phase.broken]
        print(
            f"\n{self.checked:,} pages fetched from a second after the publish on were checked "
            f"against the primary ({len(self.truth):,} addresses)."
        )
        for problem in broken:
            print(f"BROKEN {problem}")
        print("drill: every promise held" if not broken else "drill: FAILED")
        return 1 if broken else 0


def quantiles(latencies: list) -> tuple[float, float]:
    if len(latencies) < 2:
        return 0.0, 0.0
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def setup_django() -> None:
    """This process renders pages from the primary alone, uncached: the truth to check."""
    env = s.app_env()
    os.environ.update(
        DATABASE_URL=env["DATABASE_URL"], CACHE_URL="locmemcache://drill", PAGE_CACHE_TIMEOUT="0",
        DEBUG="False", SECRET_KEY=env["SECRET_KEY"], ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False", DJANGO_SETTINGS_MODULE="newsroom.settings",
    )  # fmt: skip
    os.environ.pop("DATABASE_REPLICA_URL", None)
    import django

    django.setup()
    logging.disable(logging.CRITICAL)  # the primary being down is expected here, not an error


def main() -> int:
    if not (s.read_pid("varnish") and s.port_open(s.PUBLIC_PORT)):
        s.say("the cluster is not running: `make cluster` first")
        return 2
    setup_django()
    return Drill().run()


if __name__ == "__main__":
    raise SystemExit(main())
