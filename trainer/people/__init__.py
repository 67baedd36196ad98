"""The person registry: attendees, trainers, referents and organisations."""

from trainer.people.views import bp

__all__ = ["bp"]
