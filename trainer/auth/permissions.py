"""One permission layer: every view declares who may reach it, one hook enforces it.

A view without a declared rule is refused (fail closed), and a test walks the URL map to
make sure no route is left without one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

from trainer.auth.models import Role

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = "public"
AUTHENTICATED = "authenticated"
API_TOKEN = "api_token"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class AccessRule:
    kind: str  # PUBLIC, AUTHENTICATED, API_TOKEN or "roles"
    roles: frozenset[Role] = frozenset()

    def allows(self, role: Role | None) -> bool:
        if self.kind in (PUBLIC, API_TOKEN):
            return True
        if role is None:
            return False
        if self.kind == AUTHENTICATED:
            return True
        return role == Role.admin or role in self.roles


def _declare(rule: AccessRule) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorator


def public(view: F) -> F:
    """Anyone, signed in or not (catalogue, participant links checked by their token)."""
    return _declare(AccessRule(PUBLIC))(view)


def login_required(view: F) -> F:
    """Any signed-in staff member."""
    return _declare(AccessRule(AUTHENTICATED))(view)


def api_token(view: F) -> F:
    """Bearer-token API: the view authenticates the token itself."""
    return _declare(AccessRule(API_TOKEN))(view)


def require_role(*roles: Role) -> Callable[[F], F]:
    """Staff with one of these roles; admins always pass."""
    return _declare(AccessRule("roles", frozenset(roles)))


def access_rule_for(view: Callable[..., Any] | None) -> AccessRule | None:
    return getattr(view, "access_rule", None)


def enforce_access() -> Any:
    """``before_request`` hook: apply the rule the matched view declares."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint)
    rule = access_rule_for(view)
    if rule is None:
        abort(403)
    if rule.kind in (PUBLIC, API_TOKEN):
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path if request.args else request.path))
    if not rule.allows(current_user.role):
        abort(403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(enforce_access)
