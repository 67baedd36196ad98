"""The user guide documents every column and French alias of every table."""

from pathlib import Path

import pytest

from trainer.imports.columns import TABLES

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide" / "imports.md"


@pytest.mark.parametrize("name", list(TABLES))
def test_guide_lists_every_column_and_alias(name):
    text = GUIDE.read_text("utf-8")
    section = text.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    for column in TABLES[name].columns:
        row = next((line for line in section.splitlines() if line.startswith(f"| `{column.key}` |")), None)
        assert row is not None, f"{name}.{column.key} is not documented"
        for alias in column.aliases:
            assert alias in row, f"alias « {alias} » of {name}.{column.key} is not documented"


def test_guide_shows_the_captured_screens():
    text = GUIDE.read_text("utf-8")
    for name in ("imports-nouveau", "imports-apercu", "imports-erreurs", "imports-detail", "imports-liste"):
        assert f"../captures/{name}.png" in text
