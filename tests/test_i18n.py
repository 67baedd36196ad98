"""The English catalogue: ``?lang=en`` switches the interface, French stays the default, and the
catalogue is complete (run ``make translations`` and translate the new strings when this fails)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

PO_FILE = Path(__file__).resolve().parents[1] / "trainer/translations/en/LC_MESSAGES/messages.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# Python-format placeholders (%(name)s, %%), HTML entities and tags must survive translation.
PRESERVED = re.compile(r"%(?:\([^)]+\))?[sd%]|&[#\w]+;|<[^>]+>")

PAGES = [
    ("/", "Home - Formations VFF", "Accueil - Formations VFF"),
    ("/connexion", "Sign in", "Se connecter"),
    ("/outils", "Tool catalogue", "Catalogue des outils"),
]


def _catalogue():
    with PO_FILE.open("rb") as handle:
        return read_po(handle)


def _messages():
    return [message for message in _catalogue() if message.id]


def _pairs(message) -> list[tuple[str, str]]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    # The first plural form pairs with the singular msgid, the others with msgid_plural.
    return [(ids[min(index, len(ids) - 1)], string) for index, string in enumerate(strings)]


@pytest.mark.parametrize(("path", "english", "french"), PAGES)
def test_lang_en_switches_the_page_to_english(client, path, english, french):
    response = client.get(f"{path}?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="en"' in html
    assert english in html
    assert "Sign in" in html
    assert "Se connecter" not in html
    assert french not in html


def test_english_choice_is_remembered_then_french_again(client):
    client.get("/?lang=en")
    assert "Sign in" in client.get("/connexion").get_data(as_text=True)
    html = client.get("/connexion?lang=fr").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Se connecter" in html


@pytest.mark.parametrize(("path", "english", "french"), PAGES)
def test_french_is_the_default(client, path, english, french):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert french in html
    assert "Se connecter" in html
    assert "Sign in" not in html


def test_unknown_language_falls_back_to_french(client):
    html = client.get("/?lang=de").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Se connecter" in html


def test_helpline_is_kept_in_english(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "3919" in html
    assert "Violences Femmes Info (French national helpline)" in html


def test_every_message_is_translated():
    catalogue = _catalogue()
    assert str(catalogue.locale) == "en"
    untranslated = [
        message.id
        for message in catalogue
        if message.id and (message.fuzzy or not all((string or "").strip() for _, string in _pairs(message)))
    ]
    assert not untranslated, (
        f"{len(untranslated)} message(s) without English translation (run `make translations` "
        f"and translate them): {untranslated[:10]}"
    )
    assert len(_messages()) > 500


def test_plural_forms_are_all_filled():
    plurals = [message for message in _messages() if message.pluralizable]
    assert plurals
    for message in plurals:
        assert isinstance(message.string, tuple) and len(message.string) == 2, message.id
        assert all(message.string), message.id


def test_placeholders_and_markup_are_preserved():
    broken = []
    for message in _messages():
        for source, translation in _pairs(message):
            if sorted(PRESERVED.findall(source)) != sorted(PRESERVED.findall(translation or "")):
                broken.append((source, translation))
    assert not broken, broken[:10]


def test_compiled_catalogue_is_up_to_date():
    """The .mo must be compiled from the current .po (``make translations`` does both)."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for message in _messages():
        if message.pluralizable:
            singular, plural = message.id
            found = (compiled.ngettext(singular, plural, 1), compiled.ngettext(singular, plural, 2))
            expected = tuple(message.string)
        else:
            found, expected = compiled.gettext(message.id), message.string
        if found != expected:
            stale.append(message.id)
    assert not stale, f"run `make translations` to recompile the catalogue: {stale[:10]}"


def test_catalogue_covers_macros_and_navigation():
    """Babel skips folders starting with "_" unless told otherwise (see the Makefile)."""
    ids = {message.id for message in _messages()}
    assert {"(obligatoire)", "Page suivante", "Catalogue des outils", "Tableau de bord"} <= ids


# Strings written in Python (form labels and messages, flashes, service errors, enum labels) are
# translated too: lazily on form classes and label tables, at request time elsewhere.


def test_login_form_and_its_errors_in_english(client):
    html = client.get("/connexion?lang=en").get_data(as_text=True)
    assert "Email address" in html and "Password" in html
    assert "Adresse électronique" not in html and "Mot de passe" not in html
    html = client.post("/connexion", data={"email": "", "password": "x"}).get_data(as_text=True)
    assert "This field is required." in html and "Ce champ est obligatoire." not in html
    html = client.post("/connexion", data={"email": "nobody@test.fr", "password": "wrong"}).get_data(
        as_text=True
    )
    assert "Incorrect email address or password." in html


def test_english_is_kept_after_signing_in_and_flashes_follow(app, make_user, client):
    from tests.conftest import login

    make_user("coordinator")
    client.get("/?lang=en")
    page = client.get(login(client, "coordinator@test.fr").headers["Location"]).get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Welcome, you are signed in as coordinator." in page
    page = client.get(client.post("/deconnexion").headers["Location"]).get_data(as_text=True)
    assert "You are signed out." in page and '<html lang="en"' in page


def test_a_refused_action_is_flashed_in_english(login_as, make_session):
    from trainer.sessions.models import SessionStatus

    coordinator = login_as("coordinator")
    coordinator.get("/?lang=en")
    session_id = make_session(status=SessionStatus.held).id
    response = coordinator.post(f"/presence/sessions/{session_id}/rouvrir", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Only a closed session can be reopened." in html
    assert "Seule une session clôturée" not in html


def test_session_form_labels_and_validation_errors_in_english(login_as):
    coordinator = login_as("coordinator")
    coordinator.get("/?lang=en")
    data = {
        "title": "Anna",
        "session_type_code": "direct_training",
        "status": "open",
        "slots-0-on": "2026-03-10",
        "slots-0-starts_at": "09:00",
        "slots-0-ends_at": "08:00",
        "mode": "in_person",
        "capacity": "20",
        "completion_percent": "150",
    }
    response = coordinator.post("/sessions/nouvelle", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The end time must be after the start time." in html
    assert "Between 1 and 100%." in html  # a WTForms range message, formatted after translation
    assert "Completion threshold (% of the slots)" in html and "In person" in html
    assert "Start time" in html and "Heure de début" not in html
    assert "Présentiel" not in html and "Ce champ est obligatoire." not in html


def test_enum_labels_in_a_list_in_english(login_as, make_session):
    from trainer.sessions.models import SessionStatus

    coordinator = login_as("coordinator")
    make_session(status=SessionStatus.draft)
    assert "Brouillon" in coordinator.get("/sessions/").get_data(as_text=True)
    html = coordinator.get("/sessions/?lang=en").get_data(as_text=True)
    assert "Draft" in html and "Brouillon" not in html


def test_labels_stored_as_data_stay_french(app):
    """Outside a request (CLI, jobs) messages are French; the exchange-format names never change."""
    from trainer.attendance.models import MARK_STATUS_LABELS, MarkStatus
    from trainer.sessions.models import SESSION_STATUS_LABELS, SessionStatus

    with app.app_context():
        assert SessionStatus.draft.label == "Brouillon" == SESSION_STATUS_LABELS[SessionStatus.draft]
        assert MarkStatus.present.label == "Présent·e"
    with app.test_request_context("/?lang=en"):
        assert SessionStatus.draft.label == "Draft" and MarkStatus.present.label == "Present"
        assert SESSION_STATUS_LABELS[SessionStatus.draft] == "Brouillon"
        assert MARK_STATUS_LABELS[MarkStatus.present] == "Présent·e"


def test_dates_and_numbers_follow_the_chosen_language(app):
    from datetime import UTC, date, datetime

    filters = app.jinja_env.filters
    moment = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # already 3 December in Paris
    with app.test_request_context("/?lang=fr"):
        assert filters["local_date"](date(2026, 3, 9)) == "09/03/2026"
        assert filters["local_datetime"](moment) == "03/12/2026 à 00:30"
        assert filters["local_number"](1234.5, 1) == "1\u202f234,5"
    with app.test_request_context("/?lang=en"):
        assert filters["local_date"](date(2026, 3, 9)) == "9 Mar 2026"
        assert filters["local_datetime"](moment) == "3 Dec 2026 at 00:30"
        assert filters["local_number"](1234.5, 1) == "1,234.5"


def test_a_session_page_shows_its_dates_in_the_chosen_language(login_as, make_session):
    coordinator = login_as("coordinator")
    session_id = make_session().id  # one slot on 10 March 2026
    french = coordinator.get(f"/sessions/{session_id}?lang=fr").get_data(as_text=True)
    assert "10/03/2026" in french and "10 Mar 2026" not in french
    english = coordinator.get(f"/sessions/{session_id}?lang=en").get_data(as_text=True)
    assert "10 Mar 2026" in english and "10/03/2026" not in english
