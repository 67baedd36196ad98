from tests.reports.conftest import _one_context_per_request  # noqa: F401  (autouse)
