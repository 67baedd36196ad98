"""Sessions: scheduling with slots and trainers, registrations and the waiting list."""

from trainer.sessions.views import bp

__all__ = ["bp"]
