"""The main navigation, per role. Entries whose view does not exist yet are left out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context, request, url_for
from flask_login import current_user

from trainer.auth.models import Role

ANYONE = None


@dataclass(frozen=True)
class NavEntry:
    label: str
    endpoint: str
    roles: frozenset[Role] | None  # None: everyone, signed in or not
    prefix: str  # URL prefix that marks the entry as current


NAV = (
    NavEntry("Accueil", "main.home", ANYONE, "/$"),
    NavEntry("Catalogue des outils", "kits.catalogue", ANYONE, "/outils"),
    NavEntry("Mes sessions", "attendance.my_sessions", frozenset({Role.trainer}), "/mes-sessions"),
    NavEntry("Sessions", "sessions.list", frozenset({Role.coordinator}), "/sessions"),
    NavEntry("Personnes", "people.list", frozenset({Role.coordinator}), "/personnes"),
    NavEntry("Imports", "imports.list", frozenset({Role.coordinator}), "/imports"),
    NavEntry(
        "Évaluations", "evaluations.results", frozenset({Role.coordinator, Role.trainer}), "/evaluations"
    ),
    NavEntry(
        "Déclarations", "declarations.list", frozenset({Role.coordinator, Role.trainer}), "/declarations"
    ),
    NavEntry("Demandes de packs", "kits.pack_requests", frozenset({Role.coordinator}), "/demandes-de-packs"),
    NavEntry(
        "Tableau de bord", "reports.dashboard", frozenset({Role.coordinator, Role.manager}), "/rapports"
    ),
    NavEntry("Utilisateurs", "admin.users", frozenset({Role.admin}), "/admin/utilisateurs"),
    NavEntry("Journal", "admin.audit_log", frozenset({Role.admin}), "/admin/journal"),
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def _visible(entry: NavEntry) -> bool:
    if entry.endpoint not in current_app.view_functions:
        return False
    if entry.roles is None:
        return True
    if not current_user.is_authenticated:
        return False
    role = current_user.role
    # Admins see the admin entries and the coordinator's ones, not the trainer's personal list.
    if role == Role.admin:
        return Role.trainer not in entry.roles or len(entry.roles) > 1
    return role in entry.roles


def nav_items() -> list[NavItem]:
    if not has_request_context():  # e-mails rendered by CLI jobs have no navigation
        return []
    items = []
    for entry in NAV:
        if not _visible(entry):
            continue
        path = request.path
        active = path == "/" if entry.prefix == "/$" else path.startswith(entry.prefix)
        items.append(NavItem(entry.label, url_for(entry.endpoint), active))
    return items
