"""The main navigation, per role. Entries whose view does not exist yet are left out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context, request, url_for
from flask_login import current_user

from trainer.auth.models import Role
from trainer.i18n import lazy_gettext as _l

ANYONE = None


@dataclass(frozen=True)
class NavEntry:
    label: str  # a lazy string, translated when the menu is built
    endpoint: str
    roles: frozenset[Role] | None  # None: everyone, signed in or not
    prefix: str  # URL prefix that marks the entry as current


NAV = (
    NavEntry(_l("Accueil"), "main.home", ANYONE, "/$"),
    NavEntry(_l("Catalogue des outils"), "kits.catalogue", ANYONE, "/outils"),
    NavEntry(_l("Mes sessions"), "attendance.my_sessions", frozenset({Role.trainer}), "/mes-sessions"),
    NavEntry(_l("Sessions"), "sessions.list", frozenset({Role.coordinator}), "/sessions"),
    NavEntry(_l("Personnes"), "people.list", frozenset({Role.coordinator}), "/personnes"),
    NavEntry(_l("Imports"), "imports.list", frozenset({Role.coordinator}), "/imports"),
    NavEntry(
        _l("Évaluations"), "evaluations.results", frozenset({Role.coordinator, Role.trainer}), "/evaluations"
    ),
    NavEntry(
        _l("Déclarations"), "declarations.list", frozenset({Role.coordinator, Role.trainer}), "/declarations"
    ),
    NavEntry(
        _l("Demandes de packs"), "kits.pack_requests", frozenset({Role.coordinator}), "/demandes-de-packs"
    ),
    NavEntry(
        _l("Tableau de bord"), "reports.dashboard", frozenset({Role.coordinator, Role.manager}), "/rapports"
    ),
    NavEntry(_l("Utilisateurs"), "admin.users", frozenset({Role.admin}), "/admin/utilisateurs"),
    NavEntry(_l("Journal"), "admin.audit_log", frozenset({Role.admin}), "/admin/journal"),
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
        items.append(NavItem(str(entry.label), url_for(entry.endpoint), active))
    return items
