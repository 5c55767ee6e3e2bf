"""An import killed after its first committed batch, then run again, ends exact."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from articles.models import Article

RECORDS = 3000
BATCH = 50


def write_records(path):
    with path.open("w") as out:
        for n in range(RECORDS):
            record = {
                "import_ref": f"bulk:{n}",
                "headline": f"Harbour report number {n}",
                "body": f"<p>Paragraph for report {n}. It has two sentences.</p>" * 3,
                "tags": [f"Topic {n % 7}"],
                "status": "published",
                "published_at": f"2024-01-01T00:{n % 60:02d}:00+00:00",
            }
            out.write(json.dumps(record) + "\n")


def database_for_subprocess(tmp_path):
    """A DATABASE_URL the child process can share, and a way to count its rows."""
    if connection.vendor == "sqlite":
        # The test database is in memory; the child gets a migrated file of its own.
        db_file = tmp_path / "interrupted.sqlite3"
        url = f"sqlite:///{db_file}"
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
        manage(migrate, url).check_returncode()

        def counts():
            with sqlite3.connect(db_file, timeout=30) as db:
                return db.execute(
                    "SELECT COUNT(*), COUNT(DISTINCT import_ref) FROM articles_article"
                ).fetchone()

        return url, counts
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

    def counts():
        return Article.objects.count(), Article.objects.values("import_ref").distinct().count()

    return url, counts


def manage(args, url, **kwargs):
    env = {**os.environ, "DATABASE_URL": url, "CONN_MAX_AGE": "0"}
    runner = subprocess.Popen if kwargs.pop("background", False) else subprocess.run
    return runner(args, cwd=settings.BASE_DIR, env=env, **kwargs)


@pytest.mark.django_db(transaction=True)
def test_killed_import_rerun_ends_with_exact_count(tmp_path):
    source = tmp_path / "bulk.jsonl"
    write_records(source)
    url, counts = database_for_subprocess(tmp_path)
    command = [
        sys.executable,
        "manage.py",
        "import_articles",
        str(source),
        "--batch-size",
        str(BATCH),
    ]

    child = manage(
        command, url, background=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while counts()[0] == 0 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)  # poll for the first committed batch
    child.send_signal(signal.SIGKILL)
    child.wait()
    committed, distinct = counts()
    assert child.returncode == -signal.SIGKILL
    assert 0 < committed < RECORDS, "the kill must land mid-import"
    assert committed % BATCH == 0 and distinct == committed  # whole batches only

    rerun = manage(command, url, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{RECORDS - committed} created, 0 updated, {committed} unchanged" in rerun.stdout
    assert counts() == (RECORDS, RECORDS)
