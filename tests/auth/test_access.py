"""Every route declares who may reach it, and the declared rule is what happens."""

import pytest
from werkzeug.routing import IntegerConverter

from trainer.auth.permissions import access_rule_for

ROLES = ["admin", "coordinator", "trainer", "manager"]


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_an_access_rule(app):
    missing = [rule.rule for rule, view in _rules(app) if access_rule_for(view) is None]
    assert missing == [], f"routes without an access rule: {missing}"


def _sample_url(rule) -> str:
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        values[argument] = 999999 if isinstance(converter, IntegerConverter) else "inconnu"
    return rule.build(values)[1] if values else rule.rule


@pytest.mark.parametrize("role", [None, *ROLES])
def test_access_matrix(app, login_as, role):
    """Anonymous visitors are sent to sign in; signed-in roles outside the rule get 403."""
    client = app.test_client() if role is None else login_as(role)
    from trainer.auth.models import Role

    checked = 0
    for rule, view in _rules(app):
        access = access_rule_for(view)
        if access.kind in ("public", "api_token") or rule.rule == "/deconnexion":
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(_sample_url(rule), method=method)
        allowed = role is not None and access.allows(Role(role))
        if role is None:
            assert response.status_code == 302 and "/connexion" in response.location, rule.rule
        elif not allowed:
            assert response.status_code == 403, (role, rule.rule, response.status_code)
        else:
            assert response.status_code != 403 and response.status_code < 500, (
                role,
                rule.rule,
                response.status_code,
            )
        checked += 1
    assert checked > 0


def test_unknown_endpoint_without_rule_is_refused(app):
    """Fail closed: a view added without a rule answers 403, even to an admin."""
    from flask import Flask

    assert isinstance(app, Flask)
    test_app = __import__("trainer.app", fromlist=["create_app"]).create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "x" * 32,
        }
    )
    test_app.add_url_rule("/sans-regle", "sans_regle", lambda: "secret")
    assert test_app.test_client().get("/sans-regle").status_code == 403
