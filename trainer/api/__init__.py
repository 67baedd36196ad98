"""JSON API for observatories (bearer tokens issued by an admin to managers) and its OpenAPI."""

from trainer.api.views import bp

__all__ = ["bp"]
