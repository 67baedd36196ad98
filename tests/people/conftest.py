"""Fixtures of the people tests."""

import pytest


@pytest.fixture(autouse=True)
def _reads_do_not_lock():
    """A test-client POST earlier in the run leaves the SQLite write intent set in this thread
    (trainer.database sets it per request and never resets it); reset it so that the test's own
    reads do not take the write lock that a nested app context then waits for."""
    from trainer.database import _write_intent

    _write_intent.set(False)
