"""``trainer evaluations send-due``: the cron job that sends due invitations and reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from trainer.database import write_intent
from trainer.evaluations.invitations import PARIS
from trainer.evaluations.sending import SendReport, send_due
from trainer.extensions import db

BATCH = 50
evaluations_cli = AppGroup("evaluations", help="Évaluations : invitations et rappels.")


def moment_on(day: date, now: datetime) -> datetime:
    """``now``'s time of day on ``day`` in Paris (at 23:30 UTC, Paris is already on the next day)."""
    return datetime.combine(day, now.astimezone(PARIS).timetz()).astimezone(UTC)


@evaluations_cli.command("send-due")
@click.option(
    "--date",
    "on",
    default=None,
    help="Jour à considérer comme aujourd'hui (AAAA-MM-JJ) ; par défaut, aujourd'hui.",
)
def send_due_command(on: str | None) -> None:
    """Send the invitations that are due (cold follow-ups) and the reminders. Safe to run twice."""
    if not (current_app.config.get("PUBLIC_BASE_URL") or current_app.config.get("SERVER_NAME")):
        raise click.ClickException(
            "Définissez PUBLIC_BASE_URL (l'adresse publique de la plateforme, par exemple "
            "https://formations.exemple.fr) : les liens envoyés par courriel en dépendent."
        )
    now = datetime.now(UTC)
    if on is not None:
        try:
            now = moment_on(date.fromisoformat(on.strip()), now)
        except ValueError:
            raise click.ClickException(
                f"Date invalide : « {on} ». Attendu : AAAA-MM-JJ, par exemple 2026-06-30."
            ) from None
    report = SendReport()
    while True:
        # One short write transaction per batch: web requests keep getting the SQLite lock.
        with write_intent():
            batch = send_due(now, limit=BATCH, exclude=report.failed_ids)
            db.session.commit()
        report.add(batch)
        if batch.attempted < BATCH:
            break
    click.echo(f"Évaluations — {report.summary()}.")
    if report.failed:
        raise click.ClickException(
            f"{report.failed} message(s) refusé(s) : ils partiront au prochain passage."
        )
