"""The local cluster's pieces, each started and stopped on its own (`python -m cluster`).

A PostgreSQL primary of its own (not the machine's shared server: the drill restarts
it), a streaming hot-standby replica made with pg_basebackup, Redis, two gunicorn app
servers with production settings, HAProxy in front of them, and Varnish (vmod xkey)
in front of HAProxy as the public entry; the app servers purge Varnish through a
relay (cluster/relay.py) and a `send_purges --loop` worker retries what failed.
Loopback addresses only. Logs and pid files live under var/cluster/; the databases
and Varnish's working directory under a directory of /var/tmp named for this
checkout (DATA), which the postgres and varnish users can enter wherever the checkout
is (a home directory with mode 700, a `mktemp -d` folder). Each start is skipped
when its piece already runs, so `python -m cluster up` can be run again at any time.
"""

import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "cluster"
# One per checkout, outside it: PostgreSQL and Varnish run as their own users.
DATA = Path(
    os.environ.get("CLUSTER_DATA")
    or f"/var/tmp/newsroom-cluster-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}"
)
PG_DIR = DATA / "pg"  # owned by the postgres OS user when run as root (initdb refuses root)
PRIMARY, REPLICA = PG_DIR / "primary", PG_DIR / "replica"
MEDIA = DATA / "media"  # the one media store every app server reads and writes
PRIMARY_PORT, REPLICA_PORT, REDIS_PORT = 5434, 5433, 6380
APP_PORTS = {1: 8001, 2: 8002}
PUBLIC_PORT, BALANCER_PORT, PURGE_PORT, STATS_PORT = 8080, 8081, 8082, 8404
ALL_PORTS = (
    PRIMARY_PORT, REPLICA_PORT, REDIS_PORT, *APP_PORTS.values(), PUBLIC_PORT, BALANCER_PORT,
    PURGE_PORT, STATS_PORT,
)  # fmt: skip
APP_WORKERS = 3  # per server: the machine's two cores are shared
SLOT = "replica"

PRIMARY_SETTINGS = f"""
# Added by cluster/services.py
listen_addresses = '127.0.0.1'
port = {PRIMARY_PORT}
unix_socket_directories = ''
max_connections = 60
wal_level = replica
max_wal_senders = 4
max_replication_slots = 4
hot_standby = on
# Readers' long queries on the replica are not cancelled by the primary's vacuum.
hot_standby_feedback = on
"""


def say(message: str) -> None:
    print(f"cluster: {message}", flush=True)


# Processes and ports -------------------------------------------------------------


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(what: str, ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit(f"cluster: {what} did not come up within {timeout:.0f} s (see {VAR})")
        time.sleep(0.2)


def http_status(port: int, path: str = "/healthz", timeout: float = 5) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def read_pid(name: str) -> int | None:
    """The pid in var/cluster/NAME.pid if that process still runs."""
    try:
        pid = int((VAR / f"{name}.pid").read_text().split()[0])
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        return None
    return None if state == "Z" else pid  # a zombie has exited, waiting to be reaped


def stop_pid(name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    if (pid := read_pid(name)) is None:
        (VAR / f"{name}.pid").unlink(missing_ok=True)
        return
    say(f"stopping {name} (pid {pid})")
    os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and read_pid(name):
        reap()
        time.sleep(0.1)
    if read_pid(name):
        os.kill(pid, signal.SIGKILL)
    (VAR / f"{name}.pid").unlink(missing_ok=True)


def reap() -> None:
    """Collect children this process started and stopped (the drill restarts servers)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def spawn(name: str, args: list[str], env: dict | None = None) -> int:
    """Start a long-running process in its own session, logging to var/cluster/NAME.log."""
    with (VAR / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip
    (VAR / f"{name}.pid").write_text(f"{process.pid}\n")
    return process.pid


# PostgreSQL ------------------------------------------------------------------------


def pg_bin(program: str) -> str:
    if found := os.environ.get("PG_BINDIR"):
        return str(Path(found) / program)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    for bindir in reversed(versions):
        if (bindir / program).exists():
            return str(bindir / program)
    if path := shutil.which(program):
        return path
    raise SystemExit(f"cluster: PostgreSQL's {program} not found (set PG_BINDIR)")


def as_postgres(args: list[str], check: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program as the postgres OS user when we are root."""
    if os.geteuid() == 0:
        args = [
            "runuser",
            "-u",
            "postgres",
            "--",
            "env",
            f"PGPASSFILE={PG_DIR / 'passfile'}",
            *args,
        ]
    env = {**os.environ, "PGPASSFILE": str(PG_DIR / "passfile")}
    result = subprocess.run(args, cwd=PG_DIR, env=env, capture_output=True, text=True)
    if check and result.returncode:
        raise SystemExit(f"cluster: {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


def secret(name: str, owner_postgres: bool = False) -> str:
    """A random secret kept in var/cluster/NAME, made on first use."""
    path = (PG_DIR if owner_postgres else VAR) / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def create_directories() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    DATA.chmod(0o755)  # entered by the postgres and varnish users
    MEDIA.mkdir(exist_ok=True)
    PG_DIR.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(PG_DIR, "postgres", "postgres")
    password = secret("superuser-password", owner_postgres=True)
    passfile = PG_DIR / "passfile"
    passfile.write_text(f"127.0.0.1:*:*:postgres:{password}\n")
    passfile.chmod(0o600)
    if os.geteuid() == 0:
        for path in (passfile, PG_DIR / "superuser-password"):
            shutil.chown(path, "postgres", "postgres")


def pg_running(data: Path) -> bool:
    return (
        data.exists()
        and as_postgres([pg_bin("pg_ctl"), "status", "-D", str(data)], False).returncode == 0
    )


def pg_start(name: str, data: Path) -> None:
    if pg_running(data):
        say(f"{name} PostgreSQL already running")
        return
    say(f"starting the {name} PostgreSQL")
    log = PG_DIR / f"{name}.log"
    as_postgres([pg_bin("pg_ctl"), "start", "-w", "-t", "120", "-D", str(data), "-l", str(log)])


def pg_stop(name: str, data: Path) -> None:
    if pg_running(data):
        say(f"stopping the {name} PostgreSQL")
        as_postgres([pg_bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(data)])


def psql(sql: str, port: int = PRIMARY_PORT, database: str = "postgres") -> str:
    args = [pg_bin("psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database]
    return as_postgres([*args, "-XqAt", "-v", "ON_ERROR_STOP=1", "-c", sql]).stdout.strip()


def start_primary() -> None:
    if not (PRIMARY / "PG_VERSION").exists():
        say(f"creating the primary PostgreSQL in {PRIMARY}")
        as_postgres(
            [pg_bin("initdb"), "-D", str(PRIMARY), "-U", "postgres", "--no-locale", "-E", "UTF8"]
            + ["--auth-local=peer", "--auth-host=scram-sha-256"]
            + [f"--pwfile={PG_DIR / 'superuser-password'}"]
        )
        with (PRIMARY / "postgresql.conf").open("a") as conf:
            conf.write(PRIMARY_SETTINGS)
    pg_start("primary", PRIMARY)
    password = secret("database-password")
    if psql("SELECT 1 FROM pg_roles WHERE rolname = 'newsroom'") != "1":
        say("creating the newsroom role and database")
        psql(f"CREATE ROLE newsroom LOGIN PASSWORD '{password}'")
        psql("CREATE DATABASE newsroom OWNER newsroom")


def start_replica() -> None:
    if not (REPLICA / "PG_VERSION").exists():
        say(f"copying the primary into the replica with pg_basebackup ({REPLICA})")
        psql(f"SELECT pg_drop_replication_slot('{SLOT}') FROM pg_replication_slots "
             f"WHERE slot_name = '{SLOT}'")  # fmt: skip
        as_postgres(
            [pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres"]
            + ["-D", str(REPLICA), "-R", "-X", "stream", "-c", "fast", "-C", "-S", SLOT]
        )
        with (REPLICA / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {REPLICA_PORT}\n")
    pg_start("replica", REPLICA)


def database_url(port: int) -> str:
    return f"postgres://newsroom:{secret('database-password')}@127.0.0.1:{port}/newsroom"


# Redis, app servers, load balancer -------------------------------------------------


def start_redis() -> None:
    if read_pid("redis"):
        say("Redis already running")
        return
    say(f"starting Redis on 127.0.0.1:{REDIS_PORT}")
    # allkeys-lru is safe: a surrogate key's stamp evicted reads as purged (pagecache.stamps).
    spawn(
        "redis",
        ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", ""]
        + ["--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
    )
    wait_for("Redis", lambda: port_open(REDIS_PORT))


def stop_redis() -> None:
    stop_pid("redis")


def app_env() -> dict[str, str]:
    """Production settings for every app server (and for commands run "on" one)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "False",
        "SECRET_KEY": secret("secret-key"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{PUBLIC_PORT}",
        "DATABASE_URL": database_url(PRIMARY_PORT),
        "DATABASE_REPLICA_URL": database_url(REPLICA_PORT),
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        # Varnish keeps the pages; the app servers purge it by surrogate key. Set here,
        # not inherited: the drill turns caching off in its own process, and an
        # editor's change made "on" a server with it off would purge nothing.
        "PAGE_CACHE_TIMEOUT": "600",
        "PAGE_CACHE_BACKEND": "varnish",
        "VARNISH_PURGE_URLS": f"http://127.0.0.1:{PURGE_PORT}",
        # Uploads through either server are read by both (and fetched by Varnish).
        "MEDIA_ROOT": str(MEDIA),
        "SERVE_MEDIA": "True",
        # TLS would end at the load balancer; nothing here speaks it (loopback only).
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str, quiet: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=app_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"cluster: manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def start_app(number: int) -> None:
    name, port = f"app{number}", APP_PORTS[number]
    if read_pid(name):
        say(f"app server {number} already running on 127.0.0.1:{port}")
        return
    say(f"starting app server {number} (gunicorn, {APP_WORKERS} workers) on 127.0.0.1:{port}")
    spawn(
        name,
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--bind"]
        + [f"127.0.0.1:{port}", "--workers", str(APP_WORKERS), "--log-level", "warning"],
        env=app_env(),
    )
    wait_for(f"app server {number}", lambda: http_status(port) == 200)


def stop_app(number: int, sig: int = signal.SIGTERM) -> None:
    stop_pid(f"app{number}", sig)


def write_haproxy_config(path: Path, port: int, stats_port: int, app_ports) -> None:
    """cluster/haproxy.cfg with its ports filled in (tests/pagecache/test_shared_cache.py
    uses it too)."""
    config = (Path(__file__).parent / "haproxy.cfg").read_text()
    app1, app2 = app_ports
    for placeholder, value in {
        "BALANCER_PORT": port, "STATS_PORT": stats_port, "APP1_PORT": app1, "APP2_PORT": app2,
    }.items():  # fmt: skip
        config = config.replace(f"@{placeholder}@", str(value))
    path.write_text(config)


def start_balancer() -> None:
    if read_pid("haproxy"):
        say("HAProxy already running")
        return
    if not shutil.which("haproxy"):
        raise SystemExit("cluster: haproxy is not installed (Debian: apt-get install haproxy)")
    write_haproxy_config(VAR / "haproxy.cfg", BALANCER_PORT, STATS_PORT, APP_PORTS.values())
    subprocess.run(["haproxy", "-c", "-q", "-f", str(VAR / "haproxy.cfg")], check=True)
    say(f"starting HAProxy on 127.0.0.1:{BALANCER_PORT} (stats on :{STATS_PORT})")
    spawn("haproxy", ["haproxy", "-db", "-f", str(VAR / "haproxy.cfg")])
    wait_for("HAProxy", lambda: http_status(BALANCER_PORT) == 200)


# Varnish and the purge path ------------------------------------------------------


def start_varnish() -> None:
    if read_pid("varnish"):
        say("Varnish already running")
        return
    if not shutil.which("varnishd"):
        raise SystemExit("cluster: varnishd is not installed (make system-deps)")
    vcl = (Path(__file__).parent / "varnish.vcl").read_text()
    (DATA / "varnish.vcl").write_text(vcl.replace("@BACKEND_PORT@", str(BALANCER_PORT)))
    say(f"starting Varnish on 127.0.0.1:{PUBLIC_PORT}, in front of HAProxy")
    spawn(
        "varnish",
        ["varnishd", "-F", "-a", f"127.0.0.1:{PUBLIC_PORT}", "-f", str(DATA / "varnish.vcl")]
        + ["-n", str(DATA / "varnish"), "-s", "malloc,256m", "-T", "none"],
    )
    wait_for("Varnish", lambda: http_status(PUBLIC_PORT) == 200)


def stop_varnish() -> None:
    stop_pid("varnish")


def start_purge_path() -> None:
    """The relay the app servers purge Varnish through, and the worker that sends
    the purges their own transaction's sender could not (pagecache.outbox)."""
    if not read_pid("purge-relay"):
        say(f"starting the purge relay on 127.0.0.1:{PURGE_PORT}")
        spawn("purge-relay", [sys.executable, "-m", "cluster.relay", str(PURGE_PORT),
                              str(PUBLIC_PORT)])  # fmt: skip
        wait_for("the purge relay", lambda: port_open(PURGE_PORT))
    if not read_pid("purger"):
        say("starting the purge worker (manage.py send_purges --loop)")
        spawn("purger", [sys.executable, "manage.py", "send_purges", "--loop"], env=app_env())


def stop_purge_path() -> None:
    stop_pid("purger")
    stop_pid("purge-relay")
