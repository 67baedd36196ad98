"""``trainer evaluations send-due``: the cron job that sends due invitations and reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click
from flask.cli import AppGroup

from trainer.database import write_intent
from trainer.evaluations.sending import SendReport, send_due
from trainer.extensions import db

BATCH = 50
evaluations_cli = AppGroup("evaluations", help="Évaluations : invitations et rappels.")


@evaluations_cli.command("send-due")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Jour à considérer comme aujourd'hui (AAAA-MM-JJ) ; par défaut, aujourd'hui.",
)
def send_due_command(on: datetime | None) -> None:
    """Send the invitations that are due (cold follow-ups) and the reminders. Safe to run twice."""
    now = datetime.now(UTC)
    if on is not None:
        now = datetime.combine(date(on.year, on.month, on.day), now.timetz())
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
