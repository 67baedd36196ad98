"""``trainer report REPORT_ID [--format …] [filters] [--output FILE]`` (exchange-format.md, Exports)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import ScriptInfo


@click.command("report")
@click.argument("report_id")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "pdf", "json"]), default="csv", show_default=True
)
@click.option("--from", "date_from", metavar="DATE", help="Sessions from this first date (AAAA-MM-JJ).")
@click.option("--to", "date_to", metavar="DATE", help="Sessions up to this first date.")
@click.option("--region", metavar="CODE")
@click.option("--department", metavar="CODE")
@click.option("--kit", metavar="SLUG")
@click.option("--session-type", metavar="CODE")
@click.option("--profession", metavar="CODE")
@click.option("--granularity", type=click.Choice(["year", "month"]), default=None, help="trained-by-period")
@click.option("--output", "-o", default="-", metavar="FILE", help="File to write; '-' (default): stdout.")
@click.pass_context
def report_command(ctx: click.Context, report_id: str, fmt: str, output: str, **options) -> None:
    """Write the report REPORT_ID (key-figures, trained-by-profession…) with the given filters."""
    info = ctx.ensure_object(ScriptInfo)
    # CSV, JSON and XLSX render no page and build no link: when this process builds the app, it
    # leaves the blueprints out (``trainer.cli._create_app``). The PDF's templates use the
    # reports blueprint's filters. An app already built (tests) is used as is.
    info.data.setdefault("pages", fmt == "pdf")
    with info.load_app().app_context():
        _write_report(report_id, fmt, output, options)


def _write_report(report_id: str, fmt: str, output: str, options: dict) -> None:
    from trainer.database import write_intent
    from trainer.extensions import db
    from trainer.reports.definitions import definitions
    from trainer.reports.filters import FilterError, parse_filters
    from trainer.reports.services import export_report

    known = definitions()
    if report_id not in known:
        raise click.ClickException(f"Rapport inconnu « {report_id} ». Rapports : {', '.join(known)}.")
    args = {
        "from": options["date_from"],
        "to": options["date_to"],
        "region": options["region"],
        "department": options["department"],
        "kit": options["kit"],
        "session_type": options["session_type"],
        "profession": options["profession"],
        "granularity": options["granularity"],
    }
    try:
        filters = parse_filters({k: v for k, v in args.items() if v})
    except FilterError as error:
        raise click.ClickException(str(error)) from None
    with write_intent():
        exported = export_report(report_id, fmt, filters, actor="cli", channel="ligne de commande")
        db.session.commit()
    if output == "-":
        click.echo(exported.content, nl=False)  # bytes go to the binary stdout as they are
    else:
        with open(output, "wb") as handle:
            handle.write(exported.content)
        click.echo(f"{report_id} : {exported.filename} écrit dans {output}", err=True)


def register_cli(app: Flask) -> None:
    app.cli.add_command(report_command)
