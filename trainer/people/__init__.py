"""The person registry: attendees, trainers, referents and organisations."""

from trainer.people.reminders import register_cli

__all__ = ["register_cli"]
