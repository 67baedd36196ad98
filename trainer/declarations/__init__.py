"""Declared trainings (cascade): trainers and partners declare trainings delivered elsewhere."""

from trainer.declarations.views import bp

__all__ = ["bp"]
