"""Administration: accounts, API tokens, reference data and the audit log."""
