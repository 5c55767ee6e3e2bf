"""A newcomer's set-up: one make target installs every system tool the suite needs,
and the README says so, so `CI=true make test` passes on a fresh Debian machine."""

import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# What the tests that skip (or, under CI, fail) without a system tool need, by Debian
# package: the browser tests, the shared-cache test behind HAProxy, and the HTTP cache.
NEEDED = [
    "chromium",
    "default-jre-headless",
    "npm",
    "haproxy",
    "redis-server",
    "varnish",
    "varnish-modules",
]


@pytest.fixture(scope="module")
def recipe() -> str:
    """What `make system-deps` would run, without running it."""
    done = subprocess.run(
        ["make", "-n", "system-deps"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.mark.parametrize("package", NEEDED)
def test_system_deps_installs_every_tool_the_suite_needs(recipe, package):
    assert f'missing="$missing {package}"' in recipe


def test_browser_deps_still_works_and_the_readme_names_the_target():
    done = subprocess.run(
        ["make", "-n", "browser-deps"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert "varnish-modules" in done.stdout
    readme = (REPO_ROOT / "README.md").read_text()
    assert "make system-deps" in readme
