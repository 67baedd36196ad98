"""The person registry: attendees, trainers, referents and organisations."""

from trainer.people.reminders import register_cli
from trainer.people.views import bp

__all__ = ["bp", "register_cli"]
