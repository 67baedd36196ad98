"""The OpenAPI 3 description of the JSON API, built from the report definitions."""

from __future__ import annotations

from trainer.reports.definitions import definitions

FILTER_PARAMETERS = (
    ("from", "date", "Sessions dont la première date est au plus tôt ce jour (AAAA-MM-JJ)."),
    ("to", "date", "Sessions dont la première date est au plus tard ce jour (AAAA-MM-JJ)."),
    ("year", "integer", "Raccourci pour from=AAAA-01-01 et to=AAAA-12-31."),
    ("region", "string", "Code INSEE de la région (ex. 32)."),
    ("department", "string", "Code INSEE du département (ex. 62, 2A, 971)."),
    ("kit", "string", "Identifiant de l'outil pédagogique (ex. anna)."),
    (
        "session_type",
        "string",
        "train_the_trainer, referent_training, direct_training, awareness, conference.",
    ),
    ("profession", "string", "Code de profession (ex. nurse)."),
    ("granularity", "string", "trained-by-period : year (défaut) ou month."),
)


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document() -> dict:
    reports = definitions()
    parameters = [
        {
            "name": "report_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": list(reports)},
            "description": "Identifiant du rapport.",
        }
    ]
    for name, kind, description in FILTER_PARAMETERS:
        schema = {"type": "string", "format": "date"} if kind == "date" else {"type": kind}
        if name == "granularity":
            schema = {"type": "string", "enum": ["year", "month"]}
        parameters.append(
            {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
        )
    columns = "\n".join(f"- `{d.id}` : {', '.join(d.column_names)}" for d in reports.values())
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Formations VFF — API des rapports",
            "version": "1",
            "description": "Rapports de la plateforme en JSON. Jeton délivré par un·e administrateur·rice à un "
            "compte responsable ; le périmètre territorial du compte s'applique toujours.\n\nColonnes :\n"
            + columns,
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/reports/{report_id}": {
                "get": {
                    "operationId": "getReport",
                    "summary": "Un rapport, filtré",
                    "security": [{"bearer": []}],
                    "parameters": parameters,
                    "responses": {
                        "200": {
                            "description": "Le rapport.",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Report"}}
                            },
                        },
                        "400": _error("Filtre invalide."),
                        "401": _error("Jeton absent, inconnu ou révoqué."),
                        "404": _error("Rapport inconnu."),
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Report": {
                    "type": "object",
                    "required": ["report", "filters", "columns", "rows"],
                    "properties": {
                        "report": {"type": "string"},
                        "filters": {"type": "object", "additionalProperties": {"type": "string"}},
                        "columns": {"type": "array", "items": {"type": "string"}},
                        "rows": {
                            "type": "array",
                            "items": {
                                "type": "array",
                                "items": {
                                    "nullable": True,
                                    "oneOf": [{"type": "string"}, {"type": "number"}],
                                },
                            },
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {"error": {"type": "integer"}, "message": {"type": "string"}},
                },
            },
        },
    }
