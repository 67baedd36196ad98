"""Shared form pieces: French messages (translated lazily) and reusable fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional
from wtforms.widgets import Select

from trainer.i18n import lazy_gettext as _l


def required(message: str | None = None) -> InputRequired:
    return InputRequired(message=_l("Ce champ est obligatoire.") if message is None else message)


def email_format() -> Email:
    return Email(
        message=_l("Saisissez une adresse électronique valide, par exemple nom@exemple.fr."),
        check_deliverability=False,
    )


def max_length(n: int) -> Length:
    return Length(max=n, message=_l("%(n)s caractères au maximum.", n=n))


optional = Optional


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 deprecates tuple choices: build ``SelectChoice`` objects from (value, label)."""
    return [SelectChoice(value=str(value), label=label) for value, label in pairs]


class EmptyForm(FlaskForm):
    """A POST-only button: carries the CSRF token and nothing else."""


class FastSelect(Select):
    """WTForms' ``<select>``, each plain option written directly, with the same markup.

    WTForms builds every option through ``html_params`` (keys cleaned and sorted): the hundred
    departments and hundreds of trainers of a filter bar cost more than the rest of the page.
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        value, label = escape(choice.value), escape(choice.label or choice.value)  # escaped here
        return Markup(f'<option {selected}value="{value}">{label}</option>')  # noqa: S704  # nosec B704


class CodeSelectField(SelectField):
    """A select over reference codes whose first choice is an empty "—"."""

    widget = FastSelect()

    def __init__(self, label=None, validators=None, empty_label: str = "—", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.empty_label = empty_label

    def set_choices(self, pairs) -> None:
        self.choices = choices([("", self.empty_label), *pairs])
