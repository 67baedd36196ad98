"""Reports: definitions in ``reports/``, one engine, dashboard, downloads, CLI."""
