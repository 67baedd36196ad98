"""Cell values: dates, booleans, numbers, e-mails, lists and text limits, with French messages."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from trainer.imports.cells import fast_normalise
from trainer.imports.values import (
    CellProblem,
    as_text,
    limited,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_email,
    parse_int,
    split_list,
)
from trainer.text import normalise


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016-03-12", date(2016, 3, 12)),
        ("12/03/2016", date(2016, 3, 12)),
        ("5/3/2025", date(2025, 3, 5)),
        (" 05/03/2025 ", date(2025, 3, 5)),
        ("2025-03-05 00:00:00", date(2025, 3, 5)),
        (datetime(2024, 1, 31, 0, 0), date(2024, 1, 31)),
        (date(2024, 2, 29), date(2024, 2, 29)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_both_formats_and_date_cells(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/2016", "date impossible « 31/02/2016 » : le 31/02/2016 n'existe pas"),
        ("2016-13-01", "date impossible « 2016-13-01 » : il n'y a pas de mois 13"),
        (
            "12/03/16",
            "année sur 2 chiffres dans « 12/03/16 » : écrivez l'année en entier, par exemple 12/03/2016",
        ),
        ("mars 2016", "date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ"),
        ("2016/03/12", "date attendue au format"),
        ("01/01/1850", "année 1850 invalide"),
        (45000, "nombre au lieu d'une date"),
    ],
)
def test_impossible_or_ambiguous_dates_are_refused_with_a_message(raw, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("oui", True), ("Non", False), ("YES", True), ("no", False), ("true", True), ("FALSE", False),
        ("1", True), ("0", False), ("x", True), ("X", True), ("", None), (None, None), (True, True),
        (0, False), (1.0, True), ("vrai", True), ("faux", False),
    ],
)  # fmt: skip
def test_booleans(raw, expected):
    assert parse_bool(raw) is expected


def test_unknown_boolean_says_what_is_accepted():
    with pytest.raises(ValueError, match="oui ou non attendu .* reçu « peut-être »"):
        parse_bool("peut-être")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("3,5", Decimal("3.50")), ("3.5", Decimal("3.50")), ("6", Decimal("6.00")), (6.5, Decimal("6.50")),
     ("1 000", Decimal("1000.00")), ("1.000,5", None), ("", None)],
)  # fmt: skip
def test_decimal_comma_or_point(raw, expected):
    if expected is None and raw:
        with pytest.raises(ValueError, match="au plus 1000"):
            parse_decimal(raw, maximum=Decimal(1000))
    else:
        assert parse_decimal(raw, maximum=Decimal(1000)) == expected


@pytest.mark.parametrize("raw", ["trois", "3,5,2", "-2", "0"])
def test_bad_decimals(raw):
    with pytest.raises(ValueError):
        parse_decimal(raw, maximum=Decimal(1000))


def test_integers():
    assert parse_int("12", minimum=1, maximum=100) == 12
    assert parse_int(12.0, minimum=1, maximum=100) == 12
    assert parse_int("12,0", minimum=1, maximum=100) == 12
    assert parse_int("", minimum=1, maximum=4) is None
    for bad in ("0", "5", "2,5", "deux", 2.5, True):
        with pytest.raises(ValueError):
            parse_int(bad, minimum=1, maximum=4)


def test_emails_are_validated_and_lower_cased():
    assert parse_email("Zoe.Lefevre@Exemple.FR") == "zoe.lefevre@exemple.fr"
    assert parse_email("") is None
    assert parse_email("élodie@exemple.fr") == "élodie@exemple.fr"
    for bad in ("zoe", "zoe@", "zoe@exemple", "a b@exemple.fr", "x" * 250 + "@exemple.fr", "<script>@x.fr"):
        with pytest.raises(ValueError):
            parse_email(bad)


def test_lists_text_and_limits():
    assert split_list(" anna | | elisa|") == ["anna", "elisa"]
    assert as_text(62) == "62"
    assert as_text(6.0) == "6"
    assert as_text("  Zoé\x0b Lefèvre ") == "Zoé  Lefèvre"
    assert as_text("ligne 1\nligne 2", multiline=True) == "ligne 1\nligne 2"
    assert limited("a" * 120, 120) == "a" * 120
    with pytest.raises(ValueError, match="texte trop long : 10\u202f000 caractères pour 120 au maximum"):
        limited("a" * 10_000, 120)
    with pytest.raises(ValueError, match="formule sans valeur"):
        as_text(CellProblem("formule sans valeur calculée"))


@pytest.mark.parametrize(
    "text",
    ["Lefèvre", "AÏSSATOU", "N’Diaye", "Jean-Noël  Le Gall", "Œdipe", "Zoë 🎉", "Ŀlorenç", "straße", "李"],
)
def test_fast_normalise_matches_normalise(text):
    assert fast_normalise(text) == normalise(text)
