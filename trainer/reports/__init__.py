"""Reports: definitions in ``reports/``, one engine, dashboard, downloads, CLI."""

from trainer.reports.cli import register_cli

__all__ = ["register_cli"]
