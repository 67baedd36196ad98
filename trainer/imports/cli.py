"""``trainer import TABLE FILE [--dry-run] [--session REFERENCE]``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer.imports.columns import TABLES
from trainer.imports.issues import ImportRejected, ImportsError

ERRORS_SHOWN = 1000


@click.command("import")
@click.argument("table", metavar="TABLE")
@click.argument("file", metavar="FILE")
@click.option(
    "--dry-run", is_flag=True, help="Vérifie le fichier et affiche ce qui serait créé, sans rien enregistrer."
)
@click.option(
    "--session", "session_reference", default=None, help="Référence de la session visée par chaque ligne."
)
@with_appcontext
def import_command(table: str, file: str, dry_run: bool, session_reference: str | None) -> None:
    """Import FILE (CSV or XLSX) into TABLE: sessions, participants, evaluations or declarations."""
    from trainer.database import bulk_load, write_intent
    from trainer.extensions import db
    from trainer.imports.services import run_import

    if table not in TABLES:
        _fail(f"table inconnue « {table} » : choisissez parmi {', '.join(TABLES)}.")
    path = Path(file)
    if not path.is_file():
        _fail(f"fichier introuvable : {file}")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        _fail(f"fichier illisible : {file} ({exc.strerror or exc})")
    with write_intent(), bulk_load():
        try:
            outcome = run_import(
                table,
                path,
                filename=path.name,
                actor=None,
                dry_run=dry_run,
                session_reference=session_reference,
                via="cli",
            )
        except ImportRejected as rejected:
            db.session.rollback()
            for issue in rejected.log.errors[:ERRORS_SHOWN]:
                click.echo(str(issue), err=True)
            hidden = rejected.log.error_count - min(len(rejected.log.errors), ERRORS_SHOWN)
            if hidden > 0:
                click.echo(f"… et {hidden} autres erreurs.", err=True)
            click.echo(f"Erreur : {rejected}", err=True)
            sys.exit(1)
        except ImportsError as exc:
            db.session.rollback()
            _fail(str(exc), code=1)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    head = "Simulation, rien n'a été enregistré" if dry_run else f"Import n° {outcome.batch_id} enregistré"
    click.echo(f"{head} : {table}, {outcome.row_count} lignes ({outcome.description}).")
    prefix = "serait créé" if dry_run else ""
    for label, value in outcome.count_lines():
        click.echo(f"  {label} : {value}{' (' + prefix + ')' if prefix else ''}")
    for warning in outcome.warnings[:20]:
        click.echo(f"Avertissement : {warning}")
    if outcome.warning_count > 20:
        click.echo(f"… et {outcome.warning_count - 20} autres avertissements.")


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(code)
