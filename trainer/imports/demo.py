"""Demo data for imports: one past attendee list imported from a partner's French Excel CSV."""

from __future__ import annotations

import tempfile
from pathlib import Path

from trainer.demo.names import FIRST_NAMES, LAST_NAMES
from trainer.imports.services import run_import

PROFESSIONS = (
    "Infirmière",
    "Sage-femme",
    "Éducatrice spécialisée",
    "Assistante de service social",
    "Médecin",
)


def extend(context) -> None:
    """Import a list of 12 attendees into the oldest demo session, as a coordinator would."""
    past = sorted((s for s in context.sessions if s.ends_on < context.today), key=lambda s: s.starts_on)
    if not past:
        return
    training_session = past[0]
    lines = ["Nom;Prénom;Courriel;Profession;Employeur;Présent"]
    for index in range(12):
        last, first = context.rng.choice(LAST_NAMES), context.rng.choice(FIRST_NAMES)
        email = f"import.{index}@demo-partenaire.fr" if index % 3 else ""
        lines.append(f"{last};{first};{email};{context.rng.choice(PROFESSIONS)};Centre hospitalier;oui")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "liste-partenaire.csv"
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
        run_import(
            "participants",
            path,
            filename="liste-partenaire.csv",
            session_reference=training_session.reference,
            via="demo",
        )
