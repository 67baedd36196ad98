"""The formula-injection neutraliser shared by every export."""

import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from trainer.exports import FORMULA_STARTS, neutralise

REFUSED_BY_OPENPYXL = {chr(c) for c in range(0x20)} - {"\t", "\n", "\r"}


def test_known_dangerous_values():
    assert neutralise('=HYPERLINK("http://x","clic")') == '\'=HYPERLINK("http://x","clic")'
    assert neutralise("+33 6 12 34 56 78") == "'+33 6 12 34 56 78"
    assert neutralise("-x") == "'-x"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tcmd") == "'\tcmd"
    assert neutralise("\r\n=1") == "'\r\n=1"
    assert neutralise("\x00=1+1") == "'=1+1"
    assert neutralise("Dupont\x0b") == "Dupont"
    assert neutralise("Zoé O'Neil-Durand") == "Zoé O'Neil-Durand"
    assert neutralise(None) == ""


def test_numbers_dates_and_booleans_stay_as_they_are():
    for value in (-3, 0, 2.5, Decimal("-1.25"), True, date(2026, 3, 10)):
        assert neutralise(value) is value


@given(st.text())
def test_no_text_starts_like_a_formula_or_carries_refused_characters(text):
    result = neutralise(text)
    assert not result.startswith(FORMULA_STARTS)
    assert not REFUSED_BY_OPENPYXL & set(result)
    cleaned = "".join(c for c in text if c not in REFUSED_BY_OPENPYXL)
    assert result in (cleaned, "'" + cleaned)  # nothing else is altered
    if cleaned and not cleaned.startswith(FORMULA_STARTS):
        assert result == cleaned


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.integers(min_value=-(10**12), max_value=10**12),
            st.floats(allow_nan=False, allow_infinity=False, width=32),
        ),
        max_size=8,
    )
)
def test_openpyxl_accepts_every_neutralised_row_and_never_stores_a_formula(row):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    reread = load_workbook(io.BytesIO(buffer.getvalue())).active
    for cell, original in zip(reread[1], row, strict=False):
        assert cell.data_type != "f"
        if isinstance(original, int | float):
            assert cell.value == pytest.approx(original, rel=1e-6)
