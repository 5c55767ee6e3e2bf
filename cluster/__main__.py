"""`python -m cluster up|stop|drill`: the local cluster (see README, Deployment)."""

import argparse
import shutil

from cluster import services as s

SEED_COUNT = 10_000


def up() -> None:
    s.VAR.mkdir(parents=True, exist_ok=True)
    s.create_directories()
    s.start_primary()
    s.start_redis()  # seeding invalidates the page cache, so it must be up first
    s.say("migrating the database, collecting static files")
    s.manage("migrate", "--noinput")
    s.manage("collectstatic", "--noinput")
    has_articles = "from articles.models import Article; print(Article.objects.exists())"
    if s.manage("shell", "--no-imports", "-c", has_articles).strip() == "False":
        s.say(f"seeding {SEED_COUNT:,} demo articles")
        s.manage("seed_demo", "--count", str(SEED_COUNT))
        s.psql("ANALYZE", database="newsroom")
    s.start_replica()
    for number in s.APP_PORTS:
        s.start_app(number)
    s.start_balancer()
    s.start_varnish()
    s.start_purge_path()
    s.say(
        f"up: http://127.0.0.1:{s.PUBLIC_PORT}/ (Varnish; HAProxy :{s.BALANCER_PORT}, stats"
        f" http://127.0.0.1:{s.STATS_PORT}/); primary :{s.PRIMARY_PORT}, replica"
        f" :{s.REPLICA_PORT}, Redis :{s.REDIS_PORT}, app servers :{s.APP_PORTS[1]}"
        f" :{s.APP_PORTS[2]}; logs in {s.VAR}, databases in {s.DATA}"
    )


def stop() -> None:
    s.stop_purge_path()
    s.stop_varnish()
    s.stop_pid("haproxy")
    for number in s.APP_PORTS:
        s.stop_app(number)
    s.stop_redis()
    if s.PG_DIR.exists():
        s.pg_stop("replica", s.REPLICA)
        s.pg_stop("primary", s.PRIMARY)
    if s.DATA.exists():
        s.say(f"removing {s.DATA}")
        shutil.rmtree(s.DATA)
    if busy := [port for port in s.ALL_PORTS if s.port_open(port)]:
        raise SystemExit(f"cluster: still listening on 127.0.0.1 ports {busy}")
    s.say("stopped; nothing of the cluster is running or listening")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m cluster", description=__doc__)
    parser.add_argument("command", choices=["up", "stop", "drill"])
    command = parser.parse_args().command
    if command == "drill":
        from cluster import drill

        raise SystemExit(drill.main())
    {"up": up, "stop": stop}[command]()


if __name__ == "__main__":
    main()
