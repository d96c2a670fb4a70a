"""Shared pytest configuration. Fixtures live in tests/fixtures/, one module per area."""

import pytest
import structlog

pytest_plugins = [
    "tests.fixtures.db",
    "tests.fixtures.llm",
    "tests.fixtures.homeserver",
    "tests.fixtures.bot",
]


@pytest.fixture(autouse=True)
def _reset_structlog():
    """A test that configures logging (e.g. through ``plume run``) must not leak it to the next."""
    yield
    structlog.reset_defaults()
