"""The schema of a kit data file (``kits/README.md``), checked field by field.

Hand-written rather than JSON Schema so that every message is in French and names the file,
the field and the reason, the way a coordinator editing YAML needs to read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trainer.kits.models import AccessibleVersion

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Paths under /outils/ that a kit slug must not shadow.
RESERVED_SLUGS = frozenset({"nouveau", "demande-de-pack"})
YEAR_RANGE = (1990, 2100)
MAX_TEXT = {"title": 200, "theme": 200, "film.title": 250, "film.director": 200, "booklet.title": 250}

TOP_KEYS = (
    "slug",
    "title",
    "theme",
    "year",
    "summary",
    "audience",
    "film",
    "booklet",
    "fiches_reflexes",
    "accessible_versions",
)
FILM_KEYS = ("title", "duration_minutes", "director", "cast", "cofunders")
BOOKLET_KEYS = ("title", "description")
FICHE_KEYS = ("profession", "title")


class Checker:
    """Collects every problem of one file as « fichier, champ … : raison »."""

    def __init__(self, file_name: str, professions: set[str]) -> None:
        self.file_name = file_name
        self.professions = professions
        self.errors: list[str] = []

    def fail(self, field: str, reason: str) -> None:
        self.errors.append(f"{self.file_name}, champ {field} : {reason}")

    def keys(self, path: str, value: dict, expected: tuple[str, ...]) -> None:
        prefix = f"{path}." if path else ""
        for key in expected:
            if key not in value:
                self.fail(prefix + key, "clé absente (mettez null ou [] si l'information est inconnue)")
        for key in value:
            if key not in expected:
                self.fail(prefix + str(key), f"clé inconnue (clés attendues : {', '.join(expected)})")

    def text(self, path: str, value: Any, *, nullable: bool = False, max_length: int | None = None) -> None:
        if value is None:
            if not nullable:
                self.fail(path, "obligatoire, texte non vide attendu")
            return
        if not isinstance(value, str):
            self.fail(path, f"texte attendu, reçu {_describe(value)} (mettez la valeur entre guillemets)")
        elif not value.strip():
            self.fail(
                path, "texte vide" + (" (mettez null si l'information est inconnue)" if nullable else "")
            )
        elif max_length and len(value.strip()) > max_length:
            self.fail(path, f"{max_length} caractères au maximum ({len(value.strip())} reçus)")

    def integer(self, path: str, value: Any, *, low: int, high: int) -> None:
        if value is None:
            return
        # YAML reads "yes" as True, and bool is an int in Python: refuse it explicitly.
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"nombre entier attendu, reçu {_describe(value)}")
        elif not low <= value <= high:
            self.fail(path, f"doit être compris entre {low} et {high} (reçu {value})")

    def text_list(self, path: str, value: Any, item_check: Callable[[str, str], None] | None = None) -> None:
        if value is None:
            self.fail(path, "liste attendue (mettez [] si elle est vide)")
            return
        if not isinstance(value, list):
            self.fail(path, f"liste attendue, reçu {_describe(value)}")
            return
        seen: set[str] = set()
        for index, item in enumerate(value):
            item_path = f"{path}[{index}]"
            if not isinstance(item, str) or not item.strip():
                self.fail(item_path, f"texte non vide attendu, reçu {_describe(item)}")
                continue
            if item in seen:
                self.fail(item_path, f"« {item} » est en double")
            seen.add(item)
            if item_check:
                item_check(item_path, item)

    def profession(self, path: str, code: str) -> None:
        if code not in self.professions:
            self.fail(
                path, f"profession inconnue « {code} » (codes de trainer/referential/data/professions.csv)"
            )


def validate_kit(file_name: str, data: Any, professions: set[str]) -> list[str]:
    """Every problem of one parsed kit file, as French messages; an empty list means valid."""
    check = Checker(file_name, professions)
    if not isinstance(data, dict):
        return [
            f"{file_name} : le fichier doit décrire un outil sous la forme « clé: valeur », reçu {_describe(data)}"
        ]
    check.keys("", data, TOP_KEYS)
    _check_slug(check, file_name, data.get("slug"))
    check.text("title", data.get("title"), max_length=MAX_TEXT["title"])
    check.text("theme", data.get("theme"), max_length=MAX_TEXT["theme"])
    check.text("summary", data.get("summary"))
    check.integer("year", data.get("year"), low=YEAR_RANGE[0], high=YEAR_RANGE[1])
    check.text_list("audience", data.get("audience"), check.profession)
    _check_film(check, data.get("film"))
    _check_booklet(check, data.get("booklet"))
    _check_fiches(check, data.get("fiches_reflexes"))
    allowed = [v.value for v in AccessibleVersion]

    def version(path: str, value: str) -> None:
        if value not in allowed:
            check.fail(path, f"« {value} » n'est pas une version connue ({', '.join(allowed)})")

    check.text_list("accessible_versions", data.get("accessible_versions"), version)
    return check.errors


def _check_slug(check: Checker, file_name: str, slug: Any) -> None:
    check.text("slug", slug, max_length=60)
    if not isinstance(slug, str) or not slug.strip():
        return
    if not SLUG_PATTERN.match(slug):
        check.fail("slug", f"« {slug} » : lettres minuscules sans accent, chiffres et tirets seulement")
    elif slug in RESERVED_SLUGS:
        check.fail("slug", f"« {slug} » est réservé par l'application, choisissez-en un autre")
    stem = Path(file_name).stem
    if slug != stem:
        check.fail("slug", f"« {slug} » doit être identique au nom du fichier sans .yaml (« {stem} »)")


def _check_film(check: Checker, film: Any) -> None:
    if film is None:
        return
    if not isinstance(film, dict):
        check.fail("film", f"description du film attendue (clé: valeur) ou null, reçu {_describe(film)}")
        return
    check.keys("film", film, FILM_KEYS)
    check.text("film.title", film.get("title"), max_length=MAX_TEXT["film.title"])
    check.integer("film.duration_minutes", film.get("duration_minutes"), low=1, high=600)
    check.text("film.director", film.get("director"), nullable=True, max_length=MAX_TEXT["film.director"])
    check.text_list("film.cast", film.get("cast"))
    check.text_list("film.cofunders", film.get("cofunders"))


def _check_booklet(check: Checker, booklet: Any) -> None:
    if booklet is None:
        return
    if not isinstance(booklet, dict):
        check.fail(
            "booklet", f"description du livret attendue (clé: valeur) ou null, reçu {_describe(booklet)}"
        )
        return
    check.keys("booklet", booklet, BOOKLET_KEYS)
    check.text("booklet.title", booklet.get("title"), max_length=MAX_TEXT["booklet.title"])
    check.text("booklet.description", booklet.get("description"))


def _check_fiches(check: Checker, fiches: Any) -> None:
    if fiches is None:
        check.fail("fiches_reflexes", "liste attendue (mettez [] s'il n'y en a pas)")
        return
    if not isinstance(fiches, list):
        check.fail("fiches_reflexes", f"liste attendue, reçu {_describe(fiches)}")
        return
    seen: set[str] = set()
    for index, fiche in enumerate(fiches):
        path = f"fiches_reflexes[{index}]"
        if not isinstance(fiche, dict):
            check.fail(path, f"« profession » et « title » attendus, reçu {_describe(fiche)}")
            continue
        check.keys(path, fiche, FICHE_KEYS)
        code = fiche.get("profession")
        check.text(f"{path}.profession", code)
        if isinstance(code, str) and code.strip():
            check.profession(f"{path}.profession", code)
            if code in seen:
                check.fail(f"{path}.profession", f"une seule fiche par profession (« {code} » est en double)")
            seen.add(code)
        check.text(f"{path}.title", fiche.get("title"), max_length=250)


def _describe(value: Any) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return f"le booléen {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"le nombre {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"le texte « {shown} »"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un ensemble clé: valeur"
    return type(value).__name__
