"""Reports: definitions in ``reports/``, one engine, dashboard, downloads, CLI."""

from trainer.reports.cli import register_cli
from trainer.reports.views import bp

__all__ = ["bp", "register_cli"]
