"""Kit-pack requests: the public form, the confirmation e-mail, the queue and the count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import message_text
from trainer.auth.models import AuditEntry
from trainer.extensions import db
from trainer.kits.models import Kit, KitPackRequest, PackDelivery, PackRequestStatus
from trainer.kits.pack_views import today_paris
from trainer.kits.packs import packs_sent

VALID = {
    "organisation_name": "Centre hospitalier d'Arras",
    "requester_name": "Inès Lefèvre",
    "email": "Ines.Lefevre@CH-Arras.fr",
    "kits": ["anna", "elisa"],
    "delivery": "postal",
    "postal_address": "Service des urgences\n3 boulevard Besnier\n62000 Arras",
    "audience": "40 infirmier·ères des urgences",
    "quantity": "3",
    "department_code": "62",
}


def _requests(app) -> list[KitPackRequest]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(KitPackRequest)
                .options(sa.orm.selectinload(KitPackRequest.kits))
                .order_by(KitPackRequest.id)
            )
        )
        db.session.expunge_all()
        return rows


def test_form_lists_the_kits_and_prechecks_the_one_asked_for(client, synced):
    html = client.get("/outils/demande-de-pack?outil=elisa").get_data(as_text=True)
    assert 'name="kits" value="elisa" checked' in html
    assert 'name="kits" value="anna">' in html
    assert "Envoi par la poste" in html and "Lien de téléchargement par courriel" in html


def test_request_is_stored_and_confirmed_by_email(app, client, synced, outbox):
    response = client.post("/outils/demande-de-pack", data=VALID)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location.endswith("/outils/demande-de-pack/envoyee")
    assert "bien été enregistrée" in client.get(response.location).get_data(as_text=True)
    [pack_request] = _requests(app)
    assert pack_request.status == PackRequestStatus.received
    assert pack_request.email == "ines.lefevre@ch-arras.fr"
    assert [k.slug for k in pack_request.kits] == ["anna", "elisa"]
    assert pack_request.quantity == 3 and pack_request.department_code == "62"
    assert pack_request.postal_address.startswith("Service des urgences")
    [message] = outbox()
    assert message["To"] == "ines.lefevre@ch-arras.fr"
    text = message_text(message)
    assert "Outils demandés : Anna, Elisa" in text and "62000 Arras" in text
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "kit_pack_request.create"))
        assert entry.actor_label == "formulaire public"


def test_download_delivery_needs_no_address(app, client, synced):
    data = {**VALID, "delivery": "download", "postal_address": "ignorée", "department_code": ""}
    assert client.post("/outils/demande-de-pack", data=data).status_code == 302
    [pack_request] = _requests(app)
    assert pack_request.delivery == PackDelivery.download and pack_request.postal_address is None
    assert pack_request.department_code is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"organisation_name": ""}, "Organisme ou établissement : Ce champ est obligatoire."),
        (
            {"email": "pas-une-adresse"},
            "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
        ),
        (
            {"postal_address": "   "},
            "Indiquez l&#39;adresse postale, ou choisissez le lien de téléchargement.",
        ),
        ({"kits": []}, "Cochez au moins un outil."),
        ({"kits": ["anna", "inconnu"]}, "n&#39;est pas un choix valide pour ce champ."),
        ({"delivery": ""}, "Choisissez un mode de réception."),
        ({"delivery": "pigeon"}, "Mode de réception : N&#39;est pas un choix valide."),
        ({"quantity": "0"}, "Saisissez un nombre entre 1 et 10 000."),
        ({"quantity": "99999999999999999999"}, "Saisissez un nombre entre 1 et 10 000."),
        ({"quantity": "trois"}, "Nombre de packs : N&#39;est pas un entier valide."),
        ({"department_code": "999"}, "Département : N&#39;est pas un choix valide."),
        ({"requester_name": "x" * 10_000}, "200 caractères au maximum."),
    ],
)
def test_bad_input_gets_a_french_message_and_keeps_what_was_typed(
    app, client, synced, outbox, changes, message
):
    data = {**VALID, **changes}
    response = client.post("/outils/demande-de-pack", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Le formulaire contient des erreurs" in html
    assert message in html
    if "organisation_name" not in changes:
        assert 'value="Centre hospitalier d&#39;Arras"' in html
    assert "40 infirmier·ères des urgences" in html
    assert _requests(app) == [] and outbox() == []


def test_archived_kits_cannot_be_requested(app, client, synced):
    with app.app_context():
        db.session.execute(sa.update(Kit).where(Kit.slug == "bilakoro").values(is_archived=True))
        db.session.commit()
    response = client.post("/outils/demande-de-pack", data={**VALID, "kits": ["bilakoro"]})
    assert response.status_code == 422
    assert 'value="bilakoro"' not in response.get_data(as_text=True)


@pytest.fixture
def received(app, synced):
    """Three requests: two received (one three weeks old), one already refused."""
    with app.app_context():
        kits = {k.slug: k for k in db.session.scalars(sa.select(Kit))}
        rows = []
        for index, (organisation, status) in enumerate(
            [("Mairie de Lens", "received"), ("Lycée Condorcet", "received"), ("Société X", "refused")]
        ):
            pack_request = KitPackRequest(
                organisation_name=organisation,
                requester_name="Demandeur",
                email=f"d{index}@exemple.fr",
                delivery=PackDelivery.download,
                status=PackRequestStatus(status),
                refused_on=date(2026, 1, 5) if status == "refused" else None,
                received_at=datetime.now(UTC) - timedelta(days=21 - index),
            )
            pack_request.kits = [kits["anna"], kits["tom-et-lena"]]
            db.session.add(pack_request)
            rows.append(pack_request)
        db.session.commit()
        return [row.id for row in rows]


def test_queue_filters_by_status_and_search(login_as, received):
    coordinator = login_as("coordinator")
    html = coordinator.get("/demandes-de-packs").get_data(as_text=True)
    assert "Mairie de Lens" in html and "Lycée Condorcet" in html and "Société X" not in html
    assert html.index("Mairie de Lens") < html.index("Lycée Condorcet")  # oldest first
    refused = coordinator.get("/demandes-de-packs?statut=refused").get_data(as_text=True)
    assert "Société X" in refused and "Mairie de Lens" not in refused
    found = coordinator.get("/demandes-de-packs?statut=toutes&q=lycée").get_data(as_text=True)
    assert "Lycée Condorcet" in found and "Mairie de Lens" not in found
    assert coordinator.get("/demandes-de-packs?statut=%27;drop&page=-3&q=" + "%" * 300).status_code == 200


def test_coordinator_marks_a_request_sent_once(app, login_as, received):
    coordinator = login_as("coordinator")
    request_id = received[0]
    today = today_paris()
    response = coordinator.post(
        f"/demandes-de-packs/{request_id}/envoi",
        data={"sent_on": today.isoformat(), "sent_notes": "Colissimo 8Z"},
    )
    assert response.status_code == 302
    pack_request = _requests(app)[0]
    assert pack_request.status == PackRequestStatus.sent and pack_request.sent_on == today
    assert pack_request.notes == "Colissimo 8Z" and pack_request.handled_by_id is not None
    again = coordinator.post(
        f"/demandes-de-packs/{request_id}/refus", data={"refused_on": today.isoformat(), "refused_notes": "x"}
    )
    assert again.status_code == 422
    assert "Cette demande a déjà été traitée (statut : envoyée)" in again.get_data(as_text=True)
    assert _requests(app)[0].status == PackRequestStatus.sent
    page = coordinator.get(f"/demandes-de-packs/{request_id}").get_data(as_text=True)
    assert "Colissimo 8Z" in page and "Marquer comme envoyée</button>" not in page
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "kit_pack_request.sent"))
            == 1
        )


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "La date d&#39;envoi ne peut pas être dans le futur."), (-60, "ne peut pas précéder la réception")],
)
def test_sent_date_must_be_plausible(app, login_as, received, days, message):
    coordinator = login_as("coordinator")
    sent_on = (today_paris() + timedelta(days=days)).isoformat()
    response = coordinator.post(f"/demandes-de-packs/{received[0]}/envoi", data={"sent_on": sent_on})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _requests(app)[0].status == PackRequestStatus.received
    bad = coordinator.post(f"/demandes-de-packs/{received[0]}/envoi", data={"sent_on": "31/02/2026"})
    assert bad.status_code == 422 and "Date d&#39;envoi" in bad.get_data(as_text=True)


def test_refusal_needs_a_reason(app, login_as, received):
    coordinator = login_as("coordinator")
    today = today_paris().isoformat()
    missing = coordinator.post(f"/demandes-de-packs/{received[1]}/refus", data={"refused_on": today})
    assert missing.status_code == 422 and "Indiquez la raison du refus." in missing.get_data(as_text=True)
    done = coordinator.post(
        f"/demandes-de-packs/{received[1]}/refus",
        data={"refused_on": today, "refused_notes": "Usage commercial"},
    )
    assert done.status_code == 302
    pack_request = _requests(app)[1]
    assert pack_request.status == PackRequestStatus.refused and pack_request.notes == "Usage commercial"


def test_queue_access_rules(client, login_as, received):
    assert "/connexion" in client.get("/demandes-de-packs").location
    assert "/connexion" in client.post(f"/demandes-de-packs/{received[0]}/envoi").location
    for role in ("trainer", "manager"):
        other = login_as(role, email=f"{role}.packs@test.fr")
        assert other.get("/demandes-de-packs").status_code == 403
        assert (
            other.post(f"/demandes-de-packs/{received[0]}/envoi", data={"sent_on": "2026-01-01"}).status_code
            == 403
        )
    admin = login_as("admin")
    assert admin.get(f"/demandes-de-packs/{received[0]}").status_code == 200
    assert admin.get("/demandes-de-packs/999999").status_code == 404


def _sent(kits, sent_on, department="62"):
    pack_request = KitPackRequest(
        organisation_name="O",
        requester_name="R",
        email="r@exemple.fr",
        delivery=PackDelivery.download,
        status=PackRequestStatus.sent,
        sent_on=sent_on,
        department_code=department,
        received_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    pack_request.kits = kits
    db.session.add(pack_request)


def test_packs_sent_counts_requests_by_sent_date_per_kit_and_year(app, synced):
    with app.app_context():
        kits = {k.slug: k for k in db.session.scalars(sa.select(Kit))}
        anna, elisa = kits["anna"], kits["elisa"]
        _sent([anna, elisa], date(2025, 12, 31))
        _sent([anna], date(2026, 1, 1))
        _sent([elisa], date(2026, 6, 30), department="59")
        _sent([anna], date(2026, 7, 1), department="75")
        # Not counted: received, refused, and "sent" without a date.
        for status in (PackRequestStatus.received, PackRequestStatus.refused):
            row = KitPackRequest(
                organisation_name="O",
                requester_name="R",
                email="r@e.fr",
                delivery=PackDelivery.download,
                status=status,
            )
            row.kits = [anna]
            db.session.add(row)
        db.session.commit()

        everything = packs_sent()
        assert everything.total == 4
        assert everything.per_kit == {"anna": 3, "elisa": 2}
        assert everything.per_year == {2025: 1, 2026: 3}
        assert everything.per_kit_and_year == {
            (2025, "anna"): 1,
            (2025, "elisa"): 1,
            (2026, "anna"): 2,
            (2026, "elisa"): 1,
        }

        year_2026 = packs_sent(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
        assert year_2026.total == 3 and year_2026.per_kit == {"anna": 2, "elisa": 1}
        first_half = packs_sent(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30))
        assert first_half.total == 2
        assert packs_sent(region_code="32").total == 3  # Hauts-de-France: 62 and 59
        assert packs_sent(department_code="75").per_kit == {"anna": 1}
        only_elisa = packs_sent(kit_slug="elisa")
        assert only_elisa.total == 2 and only_elisa.per_kit == {"elisa": 2}


def test_control_characters_are_dropped_before_storage(app, client, synced):
    data = {**VALID, "organisation_name": "Mairie\x00 de\x07 Lens", "audience": "ligne 1\r\nligne 2\x00"}
    assert client.post("/outils/demande-de-pack", data=data).status_code == 302
    [pack_request] = _requests(app)
    assert pack_request.organisation_name == "Mairie de Lens"
    assert pack_request.audience == "ligne 1\nligne 2"


def test_the_same_request_sent_twice_is_stored_once(app, client, synced, outbox):
    assert client.post("/outils/demande-de-pack", data=VALID).status_code == 302
    assert client.post("/outils/demande-de-pack", data=VALID).status_code == 302
    assert len(_requests(app)) == 1 and len(outbox()) == 1
    # A different request from the same person is a new one.
    assert client.post("/outils/demande-de-pack", data={**VALID, "kits": ["bilakoro"]}).status_code == 302
    assert len(_requests(app)) == 2 and len(outbox()) == 2


def test_requester_is_told_when_the_pack_is_sent(app, client, login_as, synced, outbox):
    assert client.post("/outils/demande-de-pack", data=VALID).status_code == 302
    [pack_request] = _requests(app)
    coordinator = login_as("coordinator")
    today = today_paris()
    response = coordinator.post(
        f"/demandes-de-packs/{pack_request.id}/envoi",
        data={"sent_on": today.isoformat(), "sent_notes": "Colissimo 8Z, payé sur le budget 2026"},
    )
    assert response.status_code == 302
    page = coordinator.get(response.location).get_data(as_text=True)
    assert "un courriel en informe ines.lefevre@ch-arras.fr" in page
    received, sent = outbox()
    assert sent["To"] == "ines.lefevre@ch-arras.fr"
    assert sent["Subject"] == "Votre pack d'outils a été envoyé"
    text = message_text(sent)
    assert f"le pack d'outils est parti par la poste le {today:%d/%m/%Y}" in text
    assert "3 boulevard Besnier" in text and "Nombre de packs : 3" in text
    assert "- Anna : http://localhost/outils/anna" in text
    assert "- Elisa : http://localhost/outils/elisa" in text
    assert "Colissimo" not in text  # the coordinators' notes stay internal


def test_a_download_request_gets_the_kit_pages(app, login_as, received, outbox):
    with app.app_context():
        db.session.execute(sa.update(Kit).where(Kit.slug == "tom-et-lena").values(is_archived=True))
        db.session.commit()
    coordinator = login_as("coordinator")
    coordinator.post(f"/demandes-de-packs/{received[0]}/envoi", data={"sent_on": today_paris().isoformat()})
    [message] = outbox()
    assert message["To"] == "d0@exemple.fr"
    assert message["Subject"] == "Vos outils de formation sont à télécharger"
    text = message_text(message)
    assert "les outils sont à télécharger sur leur page du catalogue" in text
    assert "- Anna : http://localhost/outils/anna" in text
    # An archived kit is named, without a link to a page the public no longer sees.
    assert "Tom et Léna" in text and "/outils/tom-et-lena" not in text


def test_requester_is_told_of_a_refusal_with_its_reason(app, login_as, received, outbox):
    coordinator = login_as("coordinator")
    today = today_paris().isoformat()
    missing = coordinator.post(f"/demandes-de-packs/{received[1]}/refus", data={"refused_on": today})
    assert missing.status_code == 422 and outbox() == []  # refused by the form: nothing sent
    done = coordinator.post(
        f"/demandes-de-packs/{received[1]}/refus",
        data={"refused_on": today, "refused_notes": "Ces outils sont réservés aux organismes de formation."},
    )
    assert done.status_code == 302
    [message] = outbox()
    assert message["To"] == "d1@exemple.fr"
    assert message["Subject"] == "Votre demande de pack d'outils n'a pas pu être acceptée"
    text = message_text(message)
    assert "Nous ne pouvons pas donner suite à la demande de pack d'outils de Lycée Condorcet" in text
    assert "Outils demandés : Anna, Tom et Léna" in text
    assert "Raison : Ces outils sont réservés aux organismes de formation." in text
    # Handled once: a second click neither changes the request nor e-mails again.
    again = coordinator.post(
        f"/demandes-de-packs/{received[1]}/envoi", data={"sent_on": today_paris().isoformat()}
    )
    assert again.status_code == 422 and len(outbox()) == 1


def test_a_refused_message_does_not_undo_the_change(app, login_as, received, outbox, monkeypatch):
    import smtplib

    from trainer.kits import packs

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(packs, "send_mail", refuse)
    coordinator = login_as("coordinator")
    response = coordinator.post(
        f"/demandes-de-packs/{received[0]}/envoi", data={"sent_on": today_paris().isoformat()}
    )
    assert response.status_code == 302
    page = coordinator.get(response.location).get_data(as_text=True)
    assert "le courriel n&#39;a pas pu partir : prévenez d0@exemple.fr vous-même" in page
    assert _requests(app)[0].status == PackRequestStatus.sent and outbox() == []
