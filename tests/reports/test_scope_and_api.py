"""Access rules, territorial scope in pages, downloads and the API, tokens, OpenAPI."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from tests.reports.conftest import EXPECTED_2025
from trainer.api import services as api_services
from trainer.auth.models import ApiToken, AuditEntry, Role, User
from trainer.extensions import db


def _token_for(email: str, **scope) -> str:
    from trainer.auth import services

    user = services.create_user(email=email, role=Role.manager, password=None, **scope)
    _, raw = api_services.issue_token(user=user, name="Observatoire", actor=None)
    db.session.commit()
    return raw


def _get(client, url, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, query_string=params, headers=headers)


@pytest.mark.parametrize("role", ["coordinator", "manager", "admin"])
def test_readers_see_the_dashboard(history, login_as, role):
    response = login_as(role).get("/rapports/?year=2025")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-indicator="professionals_trained"' in html
    assert "data:image/svg+xml;base64," in html
    assert "<svg" not in html  # charts are images, no inline SVG/style (CSP)


def test_trainers_and_anonymous_cannot_read_reports(history, login_as, client):
    trainer = login_as("trainer")
    for url in ("/rapports/", "/rapports/key-figures", "/rapports/key-figures/telecharger/csv"):
        assert trainer.get(url).status_code == 403
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.location


def test_unknown_report_page_is_404(history, login_as):
    assert login_as("manager").get("/rapports/inconnu").status_code == 404


def test_bad_filter_keeps_the_page_and_says_what_to_fix(history, login_as):
    response = login_as("manager").get("/rapports/?from=31/02/2016")
    assert response.status_code == 200
    assert "pas une date valide" in response.get_data(as_text=True)


def _figure(html: str, name: str) -> str:
    marker = f'data-indicator="{name}">'
    start = html.index(marker) + len(marker)
    value = html[start:].split('app-figure__value">', 1)[1].split("<", 1)[0]
    return value


def test_scoped_manager_page_and_downloads_stay_in_territory(history, manager_62):
    html = manager_62.get("/rapports/?year=2025").get_data(as_text=True)
    assert _figure(html, "professionals_trained") == "5"
    assert "Département 62" in html
    # Another territory in the query: nothing, never the other's data.
    for params in ({"department": "13"}, {"region": "93"}):
        html = manager_62.get("/rapports/", query_string={"year": "2025", **params}).get_data(as_text=True)
        assert _figure(html, "professionals_trained") == "0"
        assert "hors de votre périmètre" in html
        data = manager_62.get(
            "/rapports/trained-by-territory/telecharger/csv", query_string={"year": "2025", **params}
        ).data
        assert list(csv.reader(io.StringIO(data.decode()))) == [
            [
                "region_code",
                "region",
                "department_code",
                "department",
                "sessions",
                "trained",
                "trained_declared",
                "trained_total",
            ]
        ]
    data = manager_62.get("/rapports/trained-by-territory/telecharger/csv?year=2025").data.decode()
    codes = {row[2] for row in list(csv.reader(io.StringIO(data)))[1:]}
    assert codes == {"62"}
    # The filter form only offers the account's territory.
    html = manager_62.get("/rapports/").get_data(as_text=True)
    assert 'value="62"' in html and 'value="13"' not in html


def test_scoped_manager_activity_report(history, manager_62):
    from pypdf import PdfReader

    def text(query):
        content = manager_62.get(f"/rapports/rapport-activite.pdf?{query}").data
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)

    own = text("year=2025")
    assert "Pas-de-Calais" in own and "Bouches-du-Rhône" not in own and "Nord" not in own
    other = text("year=2025&department=13")
    assert "Bouches-du-Rhône" in other  # the filter is named…
    assert "Aucune donnée pour ces filtres." in other  # …but gives nothing
    assert "Frank" not in other


def test_api_returns_the_report_shape(history, client):
    token = _token_for("observatoire@test.fr")
    response = _get(client, "/api/v1/reports/key-figures", token, year="2025")
    assert response.status_code == 200
    document = response.get_json()
    assert document["report"] == "key-figures"
    assert document["columns"] == ["indicator", "value"]
    assert document["filters"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert dict(document["rows"]) == EXPECTED_2025
    token_row = db.session.scalar(sa.select(ApiToken))
    assert token_row.last_used_at is not None
    assert token_row.token_hash != token and token not in token_row.token_hash
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "report.export")).all()[-1]
    assert "api" in entry.summary


def test_api_scope_cannot_be_widened(history, client):
    token = _token_for("obs62@test.fr", scope_department_code="62")
    own = dict(_get(client, "/api/v1/reports/key-figures", token, year="2025").get_json()["rows"])
    assert own["professionals_trained"] == 5
    other = _get(client, "/api/v1/reports/key-figures", token, year="2025", department="13").get_json()
    assert dict(other["rows"])["professionals_trained"] == 0
    assert other["filters"]["scope"] == "62"
    rows = _get(client, "/api/v1/reports/trained-by-territory", token, region="93").get_json()["rows"]
    assert rows == []


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer inconnu", "Basic abc", "Bearer " + "x" * 500])
def test_api_refuses_missing_or_invalid_tokens(history, client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/reports/key-figures", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_and_deactivated_account(history, client):
    token = _token_for("revoque@test.fr")
    assert _get(client, "/api/v1/reports/key-figures", token).status_code == 200
    api_services.revoke_token(db.session.scalar(sa.select(ApiToken)), actor=None)
    db.session.commit()
    assert _get(client, "/api/v1/reports/key-figures", token).status_code == 401
    other = _token_for("desactive@test.fr")
    user = db.session.scalar(sa.select(User).where(User.email == "desactive@test.fr"))
    user.is_active_account = False
    db.session.commit()
    assert _get(client, "/api/v1/reports/key-figures", other).status_code == 401


def test_api_bad_filters_and_unknown_report(history, client):
    token = _token_for("filtres@test.fr")
    response = _get(client, "/api/v1/reports/key-figures", token, department="999")
    assert response.status_code == 400 and "Département" in response.get_json()["message"]
    assert _get(client, "/api/v1/reports/key-figures", token, **{"from": "2025-13-01"}).status_code == 400
    assert _get(client, "/api/v1/reports/inconnu", token).status_code == 404


def test_api_same_figures_as_engine_for_every_report(history, client):
    from trainer.reports.definitions import definitions
    from trainer.reports.engine import run_report
    from trainer.reports.exporters import to_json
    from trainer.reports.filters import parse_filters

    token = _token_for("toutes@test.fr")
    for report_id in definitions():
        api = _get(client, f"/api/v1/reports/{report_id}", token, year="2025", region="32").get_json()
        engine = to_json(run_report(report_id, parse_filters({"year": "2025", "region": "32"})))
        assert api == engine, report_id


def test_openapi_is_public_valid_json(history, client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    parameters = document["paths"]["/api/v1/reports/{report_id}"]["get"]["parameters"]
    assert "trained-by-profession" in parameters[0]["schema"]["enum"]


def test_admin_issues_lists_and_revokes_tokens(history, login_as, make_user):
    manager_id = make_user("manager", email="cible@test.fr", scope_region_code="32")
    admin = login_as("admin")
    response = admin.post("/admin/jetons-api", data={"user_id": str(manager_id), "name": "Observatoire HdF"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    raw = html.split('id="jeton-brut">', 1)[1].split("<", 1)[0].strip()
    assert len(raw) >= 40
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.prefix == raw[:8] and raw not in stored.token_hash
    listing = admin.get("/admin/jetons-api").get_data(as_text=True)
    assert "Observatoire HdF" in listing and raw not in listing
    assert admin.post(f"/admin/jetons-api/{stored.id}/revoquer").status_code == 302
    db.session.refresh(stored)
    assert stored.revoked_at is not None


def test_tokens_only_for_managers(history, login_as, make_user):
    coordinator_id = make_user("coordinator", email="coord2@test.fr")
    admin = login_as("admin")
    response = admin.post("/admin/jetons-api", data={"user_id": str(coordinator_id), "name": "x"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0
    assert response.status_code == 200


def test_token_screen_is_admin_only(history, login_as):
    for role in ("coordinator", "manager"):
        assert login_as(role, email=f"{role}2@test.fr").get("/admin/jetons-api").status_code == 403
