"""The four tables of the exchange format: their columns, French aliases, and header matching."""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.imports.issues import IssueLog
from trainer.text import normalise


@dataclass(frozen=True)
class Column:
    """One column: its exchange-format name, accepted French aliases and what it holds."""

    key: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int = 200
    help: str = ""
    example: str = ""


@dataclass(frozen=True)
class TableSpec:
    """A table of the exchange format."""

    name: str
    label: str
    description: str
    columns: tuple[Column, ...]
    # At least one of these must have a value on every row (evaluations: one indicator).
    one_of: tuple[str, ...] = field(default=())

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


PROFESSION_HELP = "code ou intitulé français (« nurse », « Infirmière »…)"
DEPARTMENT_HELP = "code INSEE (« 62 », « 2A », « 971 ») ou nom"

SESSIONS = TableSpec(
    "sessions",
    "Sessions",
    "Une ligne par session de formation ; une référence existante met la session à jour.",
    (
        Column("reference", ("référence",), True, 60, "référence unique de la session", "2025-62-001"),
        Column("title", ("intitulé",), True, 250, "intitulé", "Formation Anna — Arras"),
        Column(
            "session_type", ("type",), True, 200, "code ou intitulé du type de session", "direct_training"
        ),
        Column(
            "kits", ("outils",), False, 2000, "outils pédagogiques (slug ou titre), séparés par |", "anna"
        ),
        Column(
            "target_professions",
            ("public visé",),
            False,
            2000,
            "professions visées, séparées par | ; la première est le public principal",
            "nurse|midwife",
        ),
        Column("start_date", ("date de début",), True, 40, "JJ/MM/AAAA ou AAAA-MM-JJ", "05/03/2025"),
        Column("end_date", ("date de fin",), False, 40, "par défaut : la date de début", "06/03/2025"),
        Column("hours", ("durée",), False, 40, "durée totale en heures (virgule ou point)", "6,5"),
        Column("mode", ("modalité",), False, 40, "présentiel, distanciel ou mixte", "présentiel"),
        Column("city", ("ville",), False, 120, "ville", "Arras"),
        Column("department", ("département",), False, 120, DEPARTMENT_HELP, "62"),
        Column(
            "organisation",
            ("organisme",),
            False,
            200,
            "organisme organisateur (créé s'il est inconnu)",
            "CNFPT",
        ),
        Column(
            "trainers",
            ("formateurs", "formatrices"),
            False,
            2000,
            "adresses des formateur·rices déjà enregistré·es, séparées par |",
            "",
        ),
        Column("status", ("statut",), False, 40, "par défaut : réalisée si passée, ouverte sinon", ""),
    ),
)

PARTICIPANTS = TableSpec(
    "participants",
    "Participant·es",
    "Une ligne par participant·e d'une session (inscription et, pour l'historique, présence).",
    (
        Column(
            "session_reference",
            ("référence session",),
            True,
            60,
            "référence d'une session existante",
            "2025-62-001",
        ),
        Column("last_name", ("nom",), True, 120, "nom de famille", "Lefèvre"),
        Column("first_name", ("prénom",), True, 120, "prénom", "Zoé"),
        Column(
            "email",
            ("courriel", "e-mail", "adresse électronique"),
            False,
            254,
            "facultatif ; sert à reconnaître la personne",
            "zoe.lefevre@exemple.fr",
        ),
        Column("profession", (), True, 200, PROFESSION_HELP, "Infirmière"),
        Column("employer", ("employeur", "structure"), False, 200, "employeur", "CHU de Besançon"),
        Column("department", ("département",), False, 120, DEPARTMENT_HELP, "25"),
        Column("referent_type", ("type de référent",), False, 200, "pour une formation de référent·es", ""),
        Column(
            "present",
            ("présent", "présente"),
            False,
            40,
            "oui/non, x ou vide ; pour une session sans créneaux : a suivi la formation",
            "oui",
        ),
    ),
)

EVALUATIONS = TableSpec(
    "evaluations",
    "Évaluations",
    "Une ligne par questionnaire rendu (papier ou autre outil) ; les réponses restent anonymes.",
    (
        Column(
            "session_reference",
            ("référence session",),
            True,
            60,
            "référence d'une session existante",
            "2025-62-001",
        ),
        Column("phase", (), False, 40, "à chaud (par défaut) ou à froid", "à chaud"),
        Column(
            "email",
            ("courriel", "e-mail", "adresse électronique"),
            False,
            254,
            "facultatif : note que cette personne a répondu, sans lier ses réponses",
            "",
        ),
        Column("satisfaction", (), False, 40, "de 1 (pas du tout) à 4 (tout à fait)", "4"),
        Column("knowledge", ("connaissances",), False, 40, "de 1 à 4", "3"),
        Column("practice", ("pratique", "pratiques"), False, 40, "de 1 à 4", ""),
        Column("comment", ("commentaire",), False, 5000, "commentaire libre", "Très utile."),
    ),
    one_of=("satisfaction", "knowledge", "practice"),
)

DECLARATIONS = TableSpec(
    "declarations",
    "Déclarations",
    "Formations réalisées hors plateforme (cascade), une ligne par profession.",
    (
        Column("date", (), True, 40, "date de la formation", "12/05/2025"),
        Column("kit", ("outil",), False, 200, "outil utilisé (slug ou titre)", "anna"),
        Column(
            "organisation",
            ("organisme",),
            True,
            200,
            "organisme (créé s'il est inconnu)",
            "Croix-Rouge française",
        ),
        Column("department", ("département",), False, 120, DEPARTMENT_HELP, "59"),
        Column("profession", (), True, 200, PROFESSION_HELP, "midwife"),
        Column("headcount", ("effectif",), True, 40, "nombre de personnes formées (entier positif)", "12"),
        Column("hours", ("durée",), False, 40, "durée en heures", "3"),
    ),
)

TABLES: dict[str, TableSpec] = {
    spec.name: spec for spec in (SESSIONS, PARTICIPANTS, EVALUATIONS, DECLARATIONS)
}


def header_key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a header (``session_reference`` = ``Session reference``)."""
    return normalise(text.replace("_", " ").replace("-", " ").strip(" *:")).replace(" ", "")


@dataclass
class ColumnMap:
    """Where each known column is in the file, and its header as written there."""

    positions: dict[str, int]
    names: dict[str, str]
    width: int

    def name(self, key: str) -> str:
        return self.names.get(key, key)


def match_header(
    spec: TableSpec, header: list[str], log: IssueLog, *, optional_keys: frozenset[str] = frozenset()
) -> ColumnMap:
    """Map the header row onto ``spec``: unknown columns are warnings, missing required ones errors."""
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for name in (column.key, *column.aliases):
            lookup[header_key(name)] = column.key
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    for index, raw in enumerate(header):
        written = (raw or "").strip()
        if not written:
            continue
        key = lookup.get(header_key(written))
        if key is None:
            log.warn("colonne inconnue, ignorée", line=1, column=written)
        elif key in positions:
            log.error(
                f"colonne en double : « {names[key]} » désigne déjà la colonne {key}", line=1, column=written
            )
        else:
            positions[key] = index
            names[key] = written
    for column in spec.columns:
        if column.required and column.key not in positions and column.key not in optional_keys:
            accepted = ", ".join(f"« {name} »" for name in (column.key, *column.aliases))
            log.error(f"colonne obligatoire absente : {column.key} (en-têtes acceptés : {accepted})", line=1)
    if spec.one_of and not any(key in positions for key in spec.one_of):
        log.error(f"il faut au moins une de ces colonnes : {', '.join(spec.one_of)}", line=1)
    return ColumnMap(positions, names, len(header))
