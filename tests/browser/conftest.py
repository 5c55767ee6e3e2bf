"""Fixtures for tests that need tools outside Python: Chromium, Java and npm packages.

One Chromium for this whole package (Playwright driving the machine's Chromium; no
browser is ever downloaded), a fresh context and page per test, and a collector that
fails the test on any console error or uncaught page exception.

Without the tools (a developer's laptop), these tests are skipped and the run ends
with one line saying why. With CI=true they fail instead: CI never skips them.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.ci import skip_or_fail_in_ci

from .pages import DESKTOP

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
NODE_MODULES = REPO_ROOT / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Chromium flags for a closed network: no background fetches, no update or sync calls.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

_missing: set[str] = set()


def require(present: bool, what: str) -> None:
    """Skip the test when a tool is missing; fail it instead under CI."""
    if present:
        return
    _missing.add(what)
    skip_or_fail_in_ci(f"{what} is missing (run `make system-deps`)", "browser")


def pytest_terminal_summary(terminalreporter):
    if _missing:
        terminalreporter.write_line(
            "browser, HTML validity and accessibility tests skipped: missing "
            + ", ".join(sorted(_missing))
            + "; `make system-deps` installs them (see README)."
        )


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the tests in this package, closed when they are done.

    Playwright's sync API leaves its event loop marked as running in the main thread,
    and Django refuses ORM calls there unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Both
    last only as long as this package's tests (the package's __init__.py makes the
    scope end here), so the rest of the suite, and any manage.py it spawns, runs
    with Django's async-safety check intact.
    """
    require(CHROMIUM.exists(), f"Chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def axe_script():
    require(AXE_SCRIPT.exists(), "axe-core (node_modules)")
    return AXE_SCRIPT


@pytest.fixture(scope="package")
def vnu_command():
    java = shutil.which("java")
    require(java is not None, "Java")
    require(VNU_JAR.exists(), "vnu-jar (node_modules)")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture(params=["light", "dark"])
def scheme(request):
    """Both colour schemes of reader/static/css/site.css (and of the admin)."""
    return request.param


class ConsoleErrors(list):
    """Console errors and uncaught exceptions seen by one page."""

    def attach(self, page):
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.append(f"exception: {error}"))

    def on_console(self, message):
        if message.type == "error":
            self.append(f"console: {message.text} ({message.location.get('url')})")


@pytest.fixture
def console_errors():
    return ConsoleErrors()


@pytest.fixture
def new_page(browser, live_server, console_errors):
    """Open pages in fresh contexts (e.g. a phone width, the dark scheme).

    Every page's console errors go to `console_errors`, checked after the test.
    """
    contexts = []

    def open_page(viewport=DESKTOP, **context_options):
        context = browser.new_context(
            viewport=viewport, base_url=live_server.url, **context_options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        console_errors.attach(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert list(console_errors) == [], "the browser reported errors"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def roles(settings):
    """The Authors and Editors groups, for tests that log staff in."""
    from editorial.roles import setup_roles

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    setup_roles()
