"""``trainer demo``: deterministic, idempotent demo data across the whole model.

The same database always gets the same data (a seeded generator anchored on the day it first
runs); running it again changes nothing and only prints the demo accounts.
"""

from __future__ import annotations

from trainer.database import write_intent
from trainer.extensions import db

DEMO_PASSWORD = "formation-demo-2026"  # noqa: S105  # nosec B105
ACCOUNTS = (
    ("admin@demo.formations-vff.fr", "admin", "Alix Administratrice"),
    ("coordination@demo.formations-vff.fr", "coordinator", "Claire Coordinatrice"),
    ("formatrice@demo.formations-vff.fr", "trainer", "Fanny Formatrice"),
    ("responsable@demo.formations-vff.fr", "manager", "Marc Responsable"),
    ("responsable.62@demo.formations-vff.fr", "manager", "Rania Responsable Pas-de-Calais"),
)


def load_demo() -> list[tuple[str, str, str]]:
    """Load the demo data once; return (e-mail, role, password) of the demo accounts."""
    from trainer.demo import builder

    with write_intent():
        builder.build()
        db.session.commit()
    return [(email, role, DEMO_PASSWORD) for email, role, _ in ACCOUNTS]
