"""This checkout against another commit, side by side in one run: uncached pages and import.

    .venv/bin/python bench/versus.py REF [--size 10000] [--rounds 5] [--import-count 20000]
    .venv/bin/python bench/versus.py REF --import-only --import-count 100000 --rounds 3

REF (a commit, branch or tag) is checked out into a temporary worktree. Both sides
serve the same scratch PostgreSQL database (seeded once, by this checkout; REF must
share its migrations) with gunicorn, DEBUG off and the page cache off, and wrk loads
each page kind on one side, then the other, `--rounds` times; then each side imports
the same JSON Lines file into a fresh database, in turn. A side's figure is the
median of its rounds, and the ratio this/REF is the median of the rounds' ratios, so
a drift in the machine's speed during the run moves both sides alike.

Beside requests a second, each page row gives the app's CPU time a request (the
gunicorn workers' user and system time over the requests served), which other load
on the machine moves far less than throughput; the import row gives the command's
own CPU time beside its wall time (PostgreSQL's share is in the wall time only).
`--import-only` skips the pages (and wrk, and the seeding): the import benchmark
alone, e.g. history's cost against the commit before revisions (8c9f0fa).
"""

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402 (after the path above)
    CONNECTIONS,
    DATABASE_URL,
    DURATION,
    PYTHON,
    ROOT,
    WORKERS,
    cpu_seconds,
    demo_stories,
    fetch_status,
    machine,
    recreate_database,
    site_env,
    sql,
    wrk,
)

PORT = 8091
KINDS = ("article", "front", "tag", "author")


def manage(root: Path, env: dict, *args: str) -> None:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{root}: manage.py {' '.join(args)} failed:\n{done.stderr}")


@contextmanager
def worktree(ref: str):
    path = Path(tempfile.mkdtemp(prefix="versus-")) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), ref], cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False)
        shutil.rmtree(path.parent, ignore_errors=True)


@contextmanager
def server(root: Path, env: dict, port: int):
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "newsroom.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--log-level", "warning"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while fetch_status(port, "/bench/floor/") != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{root}: gunicorn did not start")
            time.sleep(0.3)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)


def url_lists(database: str) -> dict[str, list[str]]:
    published = "status = 'published' AND published_at <= now() AND trashed_at IS NULL"
    slugs = sql(database, f"SELECT slug FROM articles_article WHERE {published} LIMIT 3000")
    tags = sql(database, "SELECT slug FROM articles_tag")
    authors = sql(database, "SELECT slug FROM articles_author")
    return {
        "article": [f"/{slug}/" for (slug,) in slugs],
        "front": ["/", "/?page=2", "/?page=5"],
        "tag": [f"/tags/{slug}/" for (slug,) in tags],
        "author": [f"/authors/{slug}/" for (slug,) in authors],
    }


def pages(sides: dict[str, Path], env: dict, rounds: int) -> dict:
    lists = url_lists(DATABASE_URL)
    rps = {kind: {side: [] for side in sides} for kind in KINDS}
    cpu_ms = {kind: {side: [] for side in sides} for kind in KINDS}
    with ExitStack() as stack:
        servers = {
            name: stack.enter_context(server(root, env, PORT + n))
            for n, (name, root) in enumerate(sides.items())
        }
        for port, _ in servers.values():  # only URLs that answer on both sides
            for kind in KINDS:
                lists[kind] = [u for u in lists[kind] if fetch_status(port, u) == 200]
        for _ in range(rounds):
            for kind in KINDS:
                for name, (port, pid) in servers.items():
                    before = cpu_seconds(pid)
                    stats = wrk(port, lists[kind], DURATION, CONNECTIONS)
                    rps[kind][name].append(stats["rps"])
                    cpu_ms[kind][name].append(
                        1000 * (cpu_seconds(pid) - before) / stats["requests"]
                    )
    return rps, cpu_ms


def imports(sides: dict[str, Path], env: dict, rounds: int, count: int) -> dict:
    stories = demo_stories(300)
    path = Path(tempfile.mkdtemp(prefix="versus-")) / "import.jsonl"
    with path.open("w") as out:
        for n in range(count):
            story = stories[n % len(stories)]
            out.write(json.dumps({
                "import_ref": f"versus:{n}", "headline": f"{story.headline} ({n})",
                "standfirst": story.standfirst, "body": story.body, "byline": story.byline,
                "tags": ["Politics", "Science", "Local"][n % 3 : n % 3 + 2],
                "status": "published",
                "published_at": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00+00:00",
            }) + "\n")  # fmt: skip
    parts = urlparse(DATABASE_URL)
    scratch = parts._replace(path=parts.path + "_import").geturl()
    seconds = {name: [] for name in sides}
    cpu = {name: [] for name in sides}
    for _ in range(rounds):
        for name, root in sides.items():
            recreate_database(scratch)
            side_env = {**env, "DATABASE_URL": scratch}
            manage(root, side_env, "migrate", "--noinput")
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            manage(root, side_env, "import_articles", str(path), "--defer-summaries")
            seconds[name].append(time.perf_counter() - started)
            now = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime)
    shutil.rmtree(path.parent, ignore_errors=True)
    return seconds, cpu


def ratio(mine: list[float], theirs: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(mine, theirs, strict=True))


def print_pages(rps: dict, cpu_ms: dict, other: str) -> None:
    columns = f"{'req/s':>7} {other:>9} {'ratio':>6}   {'CPU ms':>7} {other:>9} {'ratio':>6}"
    print(f"{'page':8} {columns}")
    for kind in KINDS:
        (a, b), (c, d) = (
            (rps[kind]["this"], rps[kind][other]),
            (cpu_ms[kind]["this"], cpu_ms[kind][other]),
        )
        print(f"{kind:8} {statistics.median(a):7,.0f} {statistics.median(b):9,.0f}"
              f" {ratio(a, b):6.2f}   {statistics.median(c):7.2f} {statistics.median(d):9.2f}"
              f" {ratio(c, d):6.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", help="the commit to compare this checkout with")
    parser.add_argument("--size", type=int, default=10_000, help="articles in the database")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--import-count", type=int, default=20_000)
    parser.add_argument(
        "--import-only", action="store_true", help="measure the import alone (no pages, no wrk)"
    )
    args = parser.parse_args()
    if not args.import_only and not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does this)")
    env = site_env(DATABASE_URL, "locmemcache://versus", page_cache=False)
    if not args.import_only:
        recreate_database(DATABASE_URL)
        manage(ROOT, env, "migrate", "--noinput")
        manage(ROOT, env, "seed_demo", "--count", str(args.size))
        sql(DATABASE_URL, "VACUUM ANALYZE")
    with worktree(args.ref) as other:
        sides = {"this": ROOT, args.ref: other}
        print(f"{time.strftime('%Y-%m-%d %H:%M %Z')} | {machine()} | {args.size:,} articles,"
              f" page cache off, gunicorn {WORKERS} workers, wrk {CONNECTIONS} connections,"
              f" {DURATION} s a measurement, {args.rounds} rounds")  # fmt: skip
        other = args.ref
        if not args.import_only:
            print_pages(*pages(sides, env, args.rounds), other)
        seconds, cpu = imports(sides, env, args.rounds, args.import_count)
        for label, figures in (("wall", seconds), ("CPU", cpu)):
            mine, theirs = figures["this"], figures[other]
            print(f"import of {args.import_count:,} JSON Lines articles, {label} time: this"
                  f" {statistics.median(mine):.1f} s, {other} {statistics.median(theirs):.1f} s,"
                  f" this/{other} {ratio(mine, theirs):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
