"""Translation helpers shared by the areas; Flask-Babel does the work (see trainer/translations)."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape


class LazyText(LazyString):
    """A lazily translated text that templates escape like any other text (Flask-Babel's own
    lazy string hands its translation to Jinja as safe HTML)."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(message: str, **variables) -> LazyText:
    """``gettext`` at the time the text is shown: for form fields, validators and label tables
    defined when a module is imported. Import it as ``_l`` (the keyword ``make translations`` extracts)."""
    return LazyText(gettext, message, **variables)


def N_(message: str) -> str:
    """Mark a French string for extraction without translating it (the gettext convention).

    For labels that are also data: they stay French where they are stored or exchanged (audit
    summaries, the exchange format) and go through ``gettext`` where they are shown.
    """
    return message
