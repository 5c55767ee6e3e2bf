"""Whether the suite runs in CI, where a test that cannot run must fail, never skip."""

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1", "yes"}


def skip_or_fail_in_ci(message: str, what: str) -> None:
    """Skip the test (a developer's machine may lack `what`); under CI, fail it."""
    if in_ci():
        pytest.fail(f"CI must run the {what} tests, but {message}", pytrace=False)
    pytest.skip(message)
