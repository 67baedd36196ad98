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
