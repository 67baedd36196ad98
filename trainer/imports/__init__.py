"""Imports of the exchange format: files in, one undoable batch each."""

from flask import Flask


def register_cli(app: Flask) -> None:
    from trainer.imports.cli import import_command

    app.cli.add_command(import_command)


__all__ = ["register_cli"]
