"""Valid HTML: the Nu HTML Checker (vnu.jar from npm, run with Java) on the reader pages.

Pages are rendered with the test client and checked in one batch with the site's
stylesheet, so Java starts once. A deliberately broken page and stylesheet go in
the same batch to prove the checker runs and reports errors: an empty report would
otherwise pass for the wrong reason.
"""

import json
import subprocess

import pytest
from django.conf import settings

from .pages import add_correction, make_newspaper, make_stories

pytestmark = pytest.mark.django_db

BROKEN_PAGE = "<!doctype html><html lang=en><title>x</title><p><div></p></span>"
BROKEN_CSS = "p { colr: red; }"
STYLESHEET = settings.BASE_DIR / "static" / "css" / "site.css"


def run_checker(vnu_command, paths):
    """Messages per checked file name, from vnu's JSON report."""
    result = subprocess.run(
        [*vnu_command, "--also-check-css", "--format", "json", "--stdout", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    messages = {path.name: [] for path in paths}
    for message in report["messages"]:
        if message["type"] == "non-document-error":
            raise AssertionError(f"the checker could not run: {message}")
        messages[message["url"].rsplit("/", 1)[-1]].append(message)
    return messages


def describe(message) -> str:
    return f"line {message.get('lastLine')}: {message['message']}"


def test_reader_pages_and_stylesheet_are_valid(
    client, make_article, make_tag, vnu_command, tmp_path
):
    paper = make_newspaper(make_article, make_tag)
    oldest, middle, newest = make_stories(make_article)
    add_correction(middle)  # its page shows the corrections box and "Updated"
    pages = {
        "front": "/",
        "section": "/tags/transport/",
        "author": "/authors/ann-reed/",
        "article-with-authors": paper["ferry"].get_absolute_url(),
        "front-page-2": None,  # filled below once there are enough articles
        "article": middle.get_absolute_url(),
        "article-oldest": oldest.get_absolute_url(),
        "tag": "/tags/transport/",
        "search": "/search/?q=library",
        "search-empty": "/search/",
        "not-found": "/no-such-page/",
        "corrections": "/corrections/",
    }
    for _ in range(20):  # a second front page, to check the pagination markup too
        make_article()
    pages["front-page-2"] = "/?page=2"

    paths = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not-found" else 200), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        paths.append(path)
    paths.append(STYLESHEET)
    (broken := tmp_path / "broken.html").write_text(BROKEN_PAGE)
    (broken_css := tmp_path / "broken.css").write_text(BROKEN_CSS)

    messages = run_checker(vnu_command, [*paths, broken, broken_css])

    assert any(m["type"] == "error" for m in messages.pop("broken.html"))
    assert any(m["type"] == "error" for m in messages.pop("broken.css"))
    errors = {
        name: [describe(m) for m in found if m["type"] == "error"]
        for name, found in messages.items()
    }
    assert errors == {path.name: [] for path in paths}
    # Warnings (e.g. a misplaced heading level) are kept at zero as well.
    warnings = {name: [describe(m) for m in found] for name, found in messages.items()}
    assert warnings == {path.name: [] for path in paths}
