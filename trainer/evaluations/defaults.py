"""The default hot and cold questionnaires that ship with the product, as plain data.

One source for the migration that installs them (``0003_default_questionnaires``) and for
``ensure_default_questionnaires`` (a database whose questionnaires were removed gets them back).
Written with SQLAlchemy Core on a connection, never the ORM models, so the migration stays valid
whatever the models become.
"""

from __future__ import annotations

import sqlalchemy as sa

from trainer.db_types import UTCDateTime, now_utc

COMMENT_HELP = (
    "Facultatif. Pour préserver l'anonymat, n'écrivez rien sur une autre personne (nom, situation) "
    "ni sur votre propre santé."
)

HOT = {
    "phase": "hot",
    "title": "Évaluation de la formation (à chaud)",
    "introduction": (
        "Merci de prendre quelques minutes pour évaluer la formation que vous venez de suivre. "
        "Vos réponses sont anonymes : elles ne sont jamais reliées à votre nom et ne sont montrées "
        "que regroupées, à partir de cinq réponses."
    ),
    "questions": [
        {
            "text": "Le contenu et les outils de la formation vous ont-ils satisfait·e ?",
            "kind": "scale4",
            "indicator": "satisfaction",
            "is_required": True,
        },
        {
            "text": "La formation a-t-elle amélioré vos connaissances sur les violences faites aux femmes ?",
            "kind": "scale4",
            "indicator": "knowledge",
            "is_required": True,
        },
        {
            "text": "L'organisation de la session (accueil, horaires, lieu ou outil à distance) vous a-t-elle convenu ?",
            "kind": "scale4",
        },
        {
            "text": "L'animation par le ou la formateur·rice vous a-t-elle convenu ?",
            "kind": "scale4",
        },
        {
            "text": "Les supports du kit (film, livret, fiches réflexes) vous seront-ils utiles ?",
            "kind": "scale4",
        },
        {
            "text": "Recommanderiez-vous cette formation à vos collègues ?",
            "kind": "yes_no",
        },
        {
            "text": "Qu'allez-vous changer en priorité dans votre pratique ?",
            "kind": "choice",
            "choices": (
                "Poser systématiquement la question des violences\n"
                "Mieux repérer les signes de violences\n"
                "Mieux orienter vers les partenaires et les associations\n"
                "Rédiger un écrit adapté (certificat, signalement, attestation)\n"
                "Rien pour l'instant"
            ),
        },
        {
            "text": "Vos commentaires et suggestions",
            "kind": "text",
            "help_text": COMMENT_HELP,
        },
    ],
}

COLD = {
    "phase": "cold",
    "title": "Évaluation de la formation (à froid, trois mois après)",
    "introduction": (
        "Il y a environ trois mois, vous avez suivi une formation sur les violences faites aux femmes. "
        "Ces quelques questions nous aident à savoir si elle vous a été utile dans votre travail. "
        "Vos réponses sont anonymes."
    ),
    "questions": [
        {
            "text": "La formation a-t-elle changé et amélioré votre pratique professionnelle ?",
            "kind": "scale4",
            "indicator": "practice",
            "is_required": True,
        },
        {
            "text": "Vous sentez-vous plus à l'aise pour aborder la question des violences avec les personnes que vous accompagnez ?",
            "kind": "scale4",
        },
        {
            "text": "Depuis la formation, avez-vous utilisé les outils du kit (film, livret, fiches réflexes) ?",
            "kind": "yes_no",
        },
        {
            "text": "Qu'est-ce qui a le plus changé dans votre pratique ?",
            "kind": "choice",
            "choices": (
                "Je pose plus souvent la question des violences\n"
                "Je repère mieux les situations\n"
                "J'oriente mieux vers les partenaires\n"
                "Je rédige mieux les écrits (certificat, signalement)\n"
                "Rien n'a changé"
            ),
        },
        {
            "text": "Vos commentaires",
            "kind": "text",
            "help_text": COMMENT_HELP,
        },
    ],
}

DEFAULT_QUESTIONNAIRES = (HOT, COLD)

_meta = sa.MetaData()
_questionnaires = sa.Table(
    "questionnaires",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("phase", sa.String(24)),
    sa.Column("version", sa.Integer),
    sa.Column("title", sa.String(200)),
    sa.Column("introduction", sa.Text),
    sa.Column("is_current", sa.Boolean),
    sa.Column("created_at", UTCDateTime),
)
_questions = sa.Table(
    "questions",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("questionnaire_id", sa.Integer),
    sa.Column("position", sa.Integer),
    sa.Column("text", sa.Text),
    sa.Column("help_text", sa.Text),
    sa.Column("kind", sa.String(24)),
    sa.Column("choices", sa.Text),
    sa.Column("is_required", sa.Boolean),
    sa.Column("indicator", sa.String(24)),
)


def install_default_questionnaires(connection: sa.Connection) -> list[str]:
    """Insert the default questionnaire of every phase that has none; returns the phases installed."""
    installed = []
    for spec in DEFAULT_QUESTIONNAIRES:
        exists = connection.execute(
            sa.select(_questionnaires.c.id).where(_questionnaires.c.phase == spec["phase"]).limit(1)
        ).first()
        if exists:
            continue
        result = connection.execute(
            _questionnaires.insert().values(
                phase=spec["phase"],
                version=1,
                title=spec["title"],
                introduction=spec["introduction"],
                is_current=True,
                created_at=now_utc(),
            )
        )
        questionnaire_id = result.inserted_primary_key[0]
        connection.execute(
            _questions.insert(),
            [
                {
                    "questionnaire_id": questionnaire_id,
                    "position": position,
                    "text": question["text"],
                    "help_text": question.get("help_text", ""),
                    "kind": question["kind"],
                    "choices": question.get("choices", ""),
                    "is_required": question.get("is_required", False),
                    "indicator": question.get("indicator"),
                }
                for position, question in enumerate(spec["questions"], start=1)
            ],
        )
        installed.append(spec["phase"])
    return installed
