"""Charts drawn with matplotlib (Agg, no pyplot state): the same SVG in the page and the PDF."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache

from trainer.reports.engine import ReportResult

BLUE = "#000091"  # DSFR "bleu France"
MAX_BARS = 30


@dataclass(frozen=True)
class ChartData:
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    kind: str
    value_label: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.values or not any(self.values)


def chart_data(result: ReportResult) -> ChartData | None:
    """The bars of a report's default chart, from its own rows (so chart and table agree)."""
    chart = result.definition.chart
    if chart is None:
        return None
    categories = result.column(chart.category)
    values = result.column(chart.value)
    pairs = [
        (result.row_labels.get(c, c) if result.row_labels else c, v)
        for c, v in zip(categories, values, strict=True)
        if v is not None and (not chart.rows or c in chart.rows)
    ]
    pairs = [(str(label) if label not in ("", None) else "Non renseigné", float(v)) for label, v in pairs]
    if chart.top:
        pairs = sorted(pairs, key=lambda p: -p[1])[: chart.top]
    elif chart.kind == "barh":
        pairs = sorted(pairs, key=lambda p: -p[1])
    pairs = pairs[:MAX_BARS]
    return ChartData(
        chart.title, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs), chart.kind, chart.value_label
    )


def _short(label: str, width: int = 38) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


@lru_cache(maxsize=64)  # the same chart is drawn for the page and again for its PDF
def render_svg(data: ChartData) -> bytes:
    """An SVG image of the bars, text drawn as paths (no fonts, no style sheet needed)."""
    import matplotlib

    matplotlib.use("Agg")  # no display, no GUI toolkit: safe in web workers
    from matplotlib.figure import Figure

    horizontal = data.kind == "barh"
    height = max(2.6, 0.34 * len(data.labels) + 1.0) if horizontal else 3.4
    figure = Figure(figsize=(7.2, height), dpi=100)
    axes = figure.add_subplot()
    labels = [_short(label) for label in data.labels]
    if horizontal:
        positions = list(range(len(labels)))[::-1]
        bars = axes.barh(positions, data.values, color=BLUE)
        axes.set_yticks(positions, labels, fontsize=9)
        axes.xaxis.grid(True, color="#dddddd")
    else:
        bars = axes.bar(range(len(labels)), data.values, color=BLUE)
        axes.set_xticks(
            range(len(labels)),
            labels,
            fontsize=9,
            rotation=30 if len(labels) > 6 else 0,
            ha="right" if len(labels) > 6 else "center",
        )
        axes.yaxis.grid(True, color="#dddddd")
    axes.set_axisbelow(True)
    axes.bar_label(bars, labels=[_format(v) for v in data.values], fontsize=8, padding=2)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.margins(x=0.12 if horizontal else 0.02, y=0.02 if horizontal else 0.12)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _format(value: float) -> str:
    text = f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
    return text.replace(",", "\u202f").replace(".", ",")


def data_uri(svg: bytes) -> str:
    """``data:`` URI for ``<img src>``: allowed by the CSP, and WeasyPrint draws it in PDFs."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def chart_uri(result: ReportResult) -> str | None:
    data = chart_data(result)
    if data is None or data.is_empty:
        return None
    return data_uri(render_svg(data))
