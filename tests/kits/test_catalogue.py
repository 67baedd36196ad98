"""The public catalogue: filters, search, kit pages; staff-only figures with their scope."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from tests.kits.conftest import kit_named
from trainer.auth.models import User
from trainer.extensions import db
from trainer.kits.models import Kit
from trainer.sessions.models import Registration, RegistrationStatus, SessionStatus


def _titles(html: str) -> list[str]:
    import re

    return re.findall(r'<h3 class="fr-card__title"><a href="/outils/([a-z0-9-]+)">', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            [
                "anna",
                "bilakoro",
                "elisa",
                "transports",
                "protection-sur-ordonnance",
                "stop-harcelement",
                "tom-et-lena",
            ],
        ),
        ("?profession=dentist", ["anna"]),
        ("?profession=midwife", ["elisa"]),
        ("?profession=transport_agent", ["transports"]),
        ("?theme=Violences+au+sein+du+couple", ["anna", "protection-sur-ordonnance", "tom-et-lena"]),
        ("?version=subtitles_en", ["anna"]),
        ("?version=sign_language&profession=magistrate", ["anna", "elisa", "protection-sur-ordonnance"]),
        ("?q=calamy", ["elisa"]),  # an actress of the film
        ("?q=LENA", ["tom-et-lena"]),  # accent- and case-insensitive
        ("?q=mutilations+mineures", ["bilakoro"]),  # every word must match
        ("?profession=inconnue", []),
        ("?version=" + "x" * 5000, []),
    ],
)
def test_catalogue_filters(client, synced, query, expected):
    response = client.get("/outils" + query)
    assert response.status_code == 200
    assert sorted(_titles(response.get_data(as_text=True))) == sorted(expected)


def test_catalogue_offers_the_filters_and_keeps_the_choice(client, synced):
    html = client.get("/outils?profession=dentist&q=anna").get_data(as_text=True)
    assert '<option value="dentist" selected>' in html
    assert 'value="anna"' in html and "Effacer les filtres" in html
    assert "Violences sexuelles</option>" in html  # the theme list
    assert "Aucun outil ne correspond" in client.get("/outils?q=zzzz").get_data(as_text=True)


def test_archived_kits_leave_the_catalogue(app, client, synced):
    with app.app_context():
        db.session.execute(sa.update(Kit).where(Kit.slug == "bilakoro").values(is_archived=True))
        db.session.commit()
    assert "bilakoro" not in _titles(client.get("/outils").get_data(as_text=True))
    assert client.get("/outils/bilakoro").status_code == 404


def test_kit_page_shows_every_component(client, synced):
    html = client.get("/outils/anna").get_data(as_text=True)
    for text in (
        "Johanna Bedeau et Laurent Benaim",
        "Aurélia Petit, Marc Citti",
        "Programme européen Progress",
        "Livret d&#39;accompagnement « Anna »",
        "Fiche réflexe à destination des gendarmes et des policier·ères",
        "Fiche réflexe à destination des chirurgien·nes-dentistes",
        "Sous-titres en anglais",
        "Langue des signes française",
        "/outils/demande-de-pack?outil=anna",
    ):
        assert text in html, text
    # One document for police officers and gendarmes: one title, both professions.
    assert html.count("Fiche réflexe à destination des gendarmes et des policier·ères") == 1
    assert "Utilisation en formation" not in html
    assert "Modifier les informations" not in html


def test_unknown_kits_answer_404(client, synced):
    assert client.get("/outils/inconnu").status_code == 404
    assert client.get("/outils/" + "a" * 500).status_code == 404
    assert "introuvable" in client.get("/outils/inconnu").get_data(as_text=True)


def _register(training_session, person, completed: bool):
    db.session.add(
        Registration(
            session_id=training_session.id,
            person_id=person.id,
            completed=completed,
            status=RegistrationStatus.registered,
        )
    )
    db.session.commit()


@pytest.fixture
def usage(app_ctx, synced, make_person, make_session):
    """Anna used in three sessions (62, 62, 59); Elisa in one. Alice trained twice with Anna."""
    anna, elisa = kit_named("anna"), kit_named("elisa")
    s62 = make_session(reference="S62-A", department="62", kits=[anna])
    s62b = make_session(
        reference="S62-B",
        department="62",
        kits=[anna, elisa],
        slots=((date(2026, 4, 2), time(9), time(12)),),
    )
    s59 = make_session(reference="S59-A", department="59", kits=[anna], status=SessionStatus.open)
    alice = make_person(first_name="Alice", email="alice@test.fr")
    bruno = make_person(first_name="Bruno", email="bruno@test.fr")
    chloe = make_person(first_name="Chloé", email="chloe@test.fr")
    _register(s62, alice, True)
    _register(s62b, alice, True)
    _register(s62b, bruno, False)
    _register(s59, chloe, True)
    return {"s62": s62, "s62b": s62b, "s59": s59}


def test_staff_see_sessions_and_distinct_professionals_trained(login_as, usage):
    html = login_as("coordinator").get("/outils/anna").get_data(as_text=True)
    assert "Utilisation en formation" in html
    # Alice (twice) and Chloé: 2 distinct persons; Bruno did not complete.
    assert '<p class="kits-figure__value">2</p>' in html
    assert (
        '<p class="kits-figure__value">2</p>\n        <p class="kits-figure__label">sessions réalisées'
        in html
    )
    for reference in ("S62-A", "S62-B", "S59-A"):
        assert reference in html
    assert html.index("S62-B") < html.index("S62-A")  # latest first


def test_anonymous_visitors_never_see_the_figures(client, usage):
    html = client.get("/outils/anna").get_data(as_text=True)
    assert "S62-A" not in html and "Utilisation en formation" not in html


def test_scoped_manager_sees_only_their_territory(login_as, usage):
    html = login_as("manager", scope_department_code="59").get("/outils/anna").get_data(as_text=True)
    assert "S59-A" in html and "S62-A" not in html and "S62-B" not in html
    assert "département 59" in html
    assert '<p class="kits-figure__value">1</p>' in html


def test_region_scoped_manager(login_as, usage):
    html = (
        login_as("manager", scope_region_code="32").get("/outils/anna").get_data(as_text=True)
    )  # Hauts-de-France
    assert "S59-A" in html and "S62-A" in html


def test_trainer_sees_only_their_sessions(app, login_as, usage):
    client = login_as("trainer", email="formatrice@test.fr")
    user = db.session.scalar(sa.select(User).where(User.email == "formatrice@test.fr"))
    usage["s62"].trainers.append(user.person)
    db.session.commit()
    html = client.get("/outils/anna").get_data(as_text=True)
    assert "S62-A" in html and "S62-B" not in html and "S59-A" not in html
    assert "vos sessions" in html


def test_kit_page_queries_do_not_grow_with_sessions(app, login_as, synced, make_session, make_person):
    # make_session pushes an app context for the test: one signed-in client only here.
    client = login_as("coordinator")
    anna = kit_named("anna")

    def count_queries() -> int:
        statements: list[str] = []

        def listen(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", listen)
        try:
            assert client.get("/outils/anna").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listen)
        return len(statements)

    make_session(kits=[anna])
    few = count_queries()
    for index in range(15):
        training_session = make_session(kits=[anna])
        _register(training_session, make_person(email=f"p{index}@test.fr"), True)
    assert count_queries() == few


def test_odd_ids_and_parameters_never_fail(login_as, synced):
    coordinator = login_as("coordinator")
    huge = "9" * 30
    for url in (
        f"/outils/anna/ressources/{huge}",
        f"/demandes-de-packs/{huge}",
        "/outils/anna/ressources/-1",
        "/demandes-de-packs/abc",
    ):
        assert coordinator.get(url).status_code == 404, url
    for url in (f"/demandes-de-packs/{huge}/envoi", f"/outils/anna/fiches/{huge}/supprimer"):
        assert coordinator.post(url).status_code == 404, url
    assert coordinator.get(f"/outils/anna?page={huge}").status_code == 200
    assert coordinator.get("/outils?profession=%00&theme=%ff&q=%27%22<script>").status_code == 200
