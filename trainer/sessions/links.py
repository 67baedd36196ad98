"""Buttons to other areas' pages, shown only when those pages exist (areas are built in parallel)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from trainer.sessions.models import SessionStatus, TrainingSession


@dataclass(frozen=True)
class AreaLink:
    label: str
    url: str
    icon: str
    post: bool = False
    confirm: str | None = None


def _methods(endpoint: str) -> set[str]:
    methods: set[str] = set()
    for rule in current_app.url_map.iter_rules(endpoint):
        methods |= rule.methods or set()
    return methods


def _url(endpoint: str, **values) -> str | None:
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def area_links(training_session: TrainingSession) -> list[AreaLink]:
    """Attendance grid, attendance sheet and closing, when the attendance area provides them."""
    links = []
    wanted = []
    if training_session.slots:
        wanted += [
            ("attendance.grid", _("Présences"), "fr-icon-checkbox-line", None),
            ("attendance.sheet_pdf", _("Feuille d'émargement (PDF)"), "fr-icon-file-pdf-line", None),
        ]
    wanted.append(("attendance.summary", _("Bilan et attestations"), "fr-icon-file-text-line", None))
    if training_session.status in (SessionStatus.open, SessionStatus.full, SessionStatus.held):
        wanted.append(
            (
                "attendance.close_session",
                _("Clôturer"),
                "fr-icon-lock-line",
                _("Clôturer la session ? Les présences seront figées."),
            )
        )
    for endpoint, label, icon, confirm in wanted:
        url = _url(endpoint, session_id=training_session.id)
        if url is None:
            continue
        post = "GET" not in _methods(endpoint)
        links.append(AreaLink(label, url, icon, post=post, confirm=confirm if post else None))
    return links


def import_url(training_session: TrainingSession) -> str | None:
    """The imports area's upload page, pre-set for this session's attendee list."""
    return _url("imports.new", table="participants", session=training_session.reference)
