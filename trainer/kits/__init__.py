"""The kit catalogue: built-in kits from ``kits/``, resources and kit-pack requests."""

from trainer.kits import pack_views, resource_views  # noqa: F401  (routes on the same blueprint)
from trainer.kits.cli import register_cli
from trainer.kits.views import bp

__all__ = ["bp", "register_cli"]
