"""Fixtures of the kit area: the seven built-in kits synchronised, a copy of kits/ to break."""

from __future__ import annotations

import shutil

import pytest

from trainer.config import KITS_DIR
from trainer.extensions import db


@pytest.fixture
def kits_dir(tmp_path):
    """A copy of the shipped kits/ folder that a test may edit."""
    target = tmp_path / "kits"
    shutil.copytree(KITS_DIR, target)
    return target


@pytest.fixture
def synced(app):
    """The seven built-in kits in the database: slug → id.

    Runs in an app context of its own: requests of the test client reuse a pushed app
    context (its ``g`` and database session), so keeping one open would let signed-in users
    of different clients leak into each other.
    """
    from trainer.kits.models import Kit
    from trainer.kits.services import sync_kits

    with app.app_context():
        sync_kits()
        db.session.commit()
        return {kit.slug: kit.id for kit in db.session.scalars(db.select(Kit))}


def kit_named(slug: str):
    """The kit ``slug`` from the current app context's session, fresh from the database."""
    from trainer.kits.models import Kit

    db.session.expire_all()
    return db.session.scalar(db.select(Kit).where(Kit.slug == slug))
