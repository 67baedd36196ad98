"""``trainer kits sync``: load the kit data files into the database."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from trainer.config import KITS_DIR

kits_cli = AppGroup("kits", help="Catalogue des outils pédagogiques.")


def _line(label: str, slugs: list[str]) -> str:
    return f"{label} ({len(slugs)}) : {', '.join(slugs) if slugs else '—'}"


@kits_cli.command("sync")
@click.option(
    "--dossier",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Dossier des fichiers .yaml (par défaut : kits/ du projet).",
)
@click.option("--dry-run", is_flag=True, help="Vérifier et afficher les changements sans les enregistrer.")
def sync_command(directory: Path | None, dry_run: bool) -> None:
    """Crée, met à jour ou archive les outils intégrés d'après les fichiers de kits/."""
    from trainer.database import write_intent
    from trainer.extensions import db
    from trainer.kits.services import KitFileError, sync_kits

    directory = directory or Path(current_app.config.get("KITS_DIR") or KITS_DIR)
    with write_intent():
        try:
            report = sync_kits(directory, actor="trainer kits sync")
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
        except KitFileError as exc:
            db.session.rollback()
            click.echo("Erreur : synchronisation refusée, rien n'a été modifié.", err=True)
            for message in exc.errors:
                click.echo(f"  - {message}", err=True)
            raise SystemExit(1) from None
        except sa.exc.IntegrityError:
            db.session.rollback()  # another sync created the same kit first (PostgreSQL)
            click.echo(
                "Erreur : une autre synchronisation vient d'avoir lieu ; relancez la commande.", err=True
            )
            raise SystemExit(1) from None
    click.echo(("Simulation — " if dry_run else "") + f"outils synchronisés depuis {directory} :")
    click.echo(_line("Créés", report.created))
    click.echo(_line("Mis à jour", report.updated))
    click.echo(_line("Archivés", report.archived))
    click.echo(_line("Inchangés", report.unchanged))


def register_cli(app: Flask) -> None:
    app.cli.add_command(kits_cli)
