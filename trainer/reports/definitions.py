"""Report definitions: one YAML file per report in ``reports/`` (id, title, columns, chart…).

A definition names a dimension (what a row is) and measures (what is counted); the engine turns
them into SQL. Adding a report is mostly a new file combining existing dimensions and measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask import current_app

from trainer import config

COLUMN_TYPES = {"text", "integer", "rate", "decimal", "date"}
KINDS = {"table", "indicators"}


class ReportDefinitionError(Exception):
    """A definition file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: str = "text"
    # Where the value comes from: a measure name, or a label field of the dimension.
    measure: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class Chart:
    kind: str  # bar | barh
    category: str  # column giving the bar labels
    value: str  # column giving the bar lengths
    title: str
    rows: tuple[str, ...] = ()  # keep only these categories (key-figures rates)
    top: int | None = None  # ranked chart: the N largest values
    value_label: str = ""


@dataclass(frozen=True)
class Indicator:
    """One row (or one row per key) of an indicators report such as key-figures."""

    name: str
    measure: str
    dimension: str | None = None
    session_types: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class ReportDefinition:
    id: str
    title: str
    description: str
    kind: str
    columns: tuple[Column, ...]
    dimensions: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    chart: Chart | None = None
    indicators: tuple[Indicator, ...] = ()
    order: tuple[str, ...] = ()
    position: int = 100
    on_dashboard: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _require(data: dict, key: str, where: str, kind: type = str):
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, str | list) and not value):
        raise ReportDefinitionError(f"{where} : le champ « {key} » est obligatoire ({kind.__name__}).")
    return value


def parse_definition(data: object, where: str) -> ReportDefinition:
    """Validate one parsed YAML document and build its definition."""
    if not isinstance(data, dict):
        raise ReportDefinitionError(f"{where} : le fichier doit décrire un objet (clé: valeur).")
    kind = data.get("kind", "table")
    if kind not in KINDS:
        raise ReportDefinitionError(f"{where} : « kind » doit valoir {sorted(KINDS)}.")
    columns = []
    for index, raw in enumerate(_require(data, "columns", where, list)):
        spot = f"{where}, colonne {index + 1}"
        if not isinstance(raw, dict):
            raise ReportDefinitionError(f"{spot} : objet attendu.")
        column_type = raw.get("type", "text")
        if column_type not in COLUMN_TYPES:
            raise ReportDefinitionError(f"{spot} : type « {column_type} » inconnu.")
        columns.append(
            Column(
                name=_require(raw, "name", spot),
                label=_require(raw, "label", spot),
                type=column_type,
                measure=raw.get("measure"),
                field=raw.get("field"),
            )
        )
    chart = None
    if isinstance(data.get("chart"), dict):
        raw = data["chart"]
        chart = Chart(
            kind=raw.get("kind", "barh"),
            category=_require(raw, "category", f"{where}, chart"),
            value=_require(raw, "value", f"{where}, chart"),
            title=_require(raw, "title", f"{where}, chart"),
            rows=tuple(raw.get("rows") or ()),
            top=raw.get("top"),
            value_label=raw.get("value_label", ""),
        )
    indicators = tuple(
        Indicator(
            name=_require(raw, "name", f"{where}, indicator"),
            measure=_require(raw, "measure", f"{where}, indicator"),
            dimension=raw.get("dimension"),
            session_types=tuple(raw.get("session_types") or ()),
            label=raw.get("label", ""),
        )
        for raw in data.get("indicators") or ()
    )
    if kind == "table" and not data.get("dimensions"):
        raise ReportDefinitionError(f"{where} : un rapport « table » déclare ses « dimensions ».")
    if kind == "indicators" and not indicators:
        raise ReportDefinitionError(f"{where} : un rapport « indicators » déclare ses « indicators ».")
    known = {"id", "title", "description", "kind", "columns", "dimensions", "measures", "chart"}
    known |= {"indicators", "order", "position", "on_dashboard"}
    return ReportDefinition(
        id=_require(data, "id", where),
        title=_require(data, "title", where),
        description=str(data.get("description", "")).strip(),
        kind=kind,
        columns=tuple(columns),
        dimensions=tuple(data.get("dimensions") or ()),
        measures=tuple(data.get("measures") or ()),
        chart=chart,
        indicators=indicators,
        order=tuple(data.get("order") or ()),
        position=int(data.get("position", 100)),
        on_dashboard=bool(data.get("on_dashboard", True)),
        extra={k: v for k, v in data.items() if k not in known},
    )


# LibYAML's safe loader when PyYAML was built with it: every process start reads these files,
# and the pure-Python loader took 60 ms of it.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_definitions(directory: Path) -> dict[str, ReportDefinition]:
    """Every ``*.yaml`` of ``directory``, by id, in their declared order."""
    found: dict[str, ReportDefinition] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506  # nosec B506
        except yaml.YAMLError as exc:
            raise ReportDefinitionError(f"{path.name} : YAML illisible ({exc}).") from None
        definition = parse_definition(data, path.name)
        if definition.id in found:
            raise ReportDefinitionError(f"{path.name} : l'identifiant « {definition.id} » est déjà pris.")
        found[definition.id] = definition
    return dict(sorted(found.items(), key=lambda item: (item[1].position, item[0])))


_cache: dict[tuple[str, float], dict[str, ReportDefinition]] = {}


def definitions() -> dict[str, ReportDefinition]:
    """The definitions of the configured folder, re-read when a file changes."""
    directory = Path(current_app.config.get("REPORTS_DIR") or config.REPORTS_DIR)
    stamp = max((p.stat().st_mtime for p in directory.glob("*.yaml")), default=0.0)
    key = (str(directory), stamp)
    if key not in _cache:
        _cache.clear()
        _cache[key] = load_definitions(directory)
    return _cache[key]


def get_definition(report_id: str) -> ReportDefinition | None:
    return definitions().get(report_id)
