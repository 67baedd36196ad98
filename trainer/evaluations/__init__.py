"""Evaluations: questionnaires, personal links, the participant form and the results."""

from trainer.evaluations.sending import on_session_closed
from trainer.signals import session_closed

# A closed session gets its invitations (hot e-mailed now, cold due later); the sender commits.
session_closed.connect(on_session_closed)


def register_cli(app) -> None:
    from trainer.evaluations.cli import evaluations_cli

    app.cli.add_command(evaluations_cli)


__all__ = ["register_cli"]
