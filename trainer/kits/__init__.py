"""The kit catalogue: built-in kits from ``kits/``, resources and kit-pack requests."""

from trainer.kits.cli import register_cli

__all__ = ["register_cli"]
