"""Renewal reminders for trainers whose qualification expires soon (``trainer people remind-renewals``)."""

from __future__ import annotations

from datetime import date, timedelta

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.orm import selectinload

from trainer import audit
from trainer.db_types import now_utc
from trainer.extensions import db
from trainer.mail import send_mail
from trainer.people.models import Person, TrainerProfile

people_cli = AppGroup("people", help="Registre des personnes.")


def trainers_to_remind(today: date, days: int) -> list[TrainerProfile]:
    """Active trainers with an e-mail whose qualification expires within ``days`` days, not yet reminded."""
    return list(
        db.session.scalars(
            sa.select(TrainerProfile)
            .join(Person, Person.id == TrainerProfile.person_id)
            .where(
                TrainerProfile.is_active.is_(True),
                TrainerProfile.expires_on.is_not(None),
                TrainerProfile.expires_on >= today,
                TrainerProfile.expires_on <= today + timedelta(days=days),
                TrainerProfile.renewal_reminded_at.is_(None),
                Person.email.is_not(None),
            )
            .options(selectinload(TrainerProfile.person))
            .order_by(TrainerProfile.expires_on, TrainerProfile.id)
        )
    )


def send_renewal_reminders(today: date, days: int) -> int:
    """Send one reminder per trainer concerned and remember it; returns how many were sent."""
    sent = 0
    for profile in trainers_to_remind(today, days):
        send_mail(
            profile.person.email,
            "Votre qualification de formateur·rice arrive à échéance",
            # Straight from the environment: the app's context processors need a request (CLI has none).
            current_app.jinja_env.get_template("people/emails/renewal.txt").render(
                person=profile.person, profile=profile
            ),
        )
        profile.renewal_reminded_at = now_utc()
        audit.record(
            "trainer.remind",
            profile,
            actor="système",
            summary=f"Rappel de renouvellement, fiche n° {profile.person_id}",
        )
        sent += 1
    db.session.flush()
    return sent


@people_cli.command("remind-renewals")
@click.option("--days", default=60, show_default=True, help="Délai avant l'expiration.")
def remind_renewals(days: int) -> None:
    """E-mail trainers whose qualification expires within DAYS days (once per expiry date)."""
    from trainer.database import write_intent

    with write_intent():
        sent = send_renewal_reminders(date.today(), days)
        db.session.commit()
    click.echo(f"{sent} rappel(s) envoyé(s).")


def register_cli(app: Flask) -> None:
    app.cli.add_command(people_cli)
