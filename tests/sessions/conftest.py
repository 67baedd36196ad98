"""Fixtures of the sessions tests: kits, trainers and a helper building service input."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from trainer.extensions import db
from trainer.sessions.services import SessionInput, SlotInput


@pytest.fixture
def kits(app_ctx):
    from trainer.kits.models import Kit
    from trainer.kits.services import sync_kits

    sync_kits()
    db.session.commit()
    return {kit.slug: kit for kit in db.session.scalars(sa.select(Kit))}


@pytest.fixture
def trainer(make_person):
    return make_person(
        first_name="Fanny", last_name="Formatrice", email="fanny@test.fr", profession="trainer", trainer=True
    )


def session_input(**overrides) -> SessionInput:
    values = {
        "title": "Formation Anna",
        "session_type_code": "direct_training",
        "slots": [
            SlotInput(date(2026, 3, 10), time(9), time(12, 30)),
            SlotInput(date(2026, 3, 10), time(13, 30), time(17)),
        ],
        "department_code": "62",
        "capacity": 20,
        "audience_codes": ["social_worker", "nurse"],
    }
    values.update(overrides)
    return SessionInput(**values)
