"""Answer distributions as an SVG chart (matplotlib), embedded as a data URI.

A data URI keeps the page within the Content-Security-Policy (``img-src 'self' data:``) and
needs no second request; the page always shows the same figures in a table next to it.
"""

from __future__ import annotations

import base64
import io
import textwrap
from functools import lru_cache

from flask_babel import gettext as _

from trainer.evaluations.answers import SCALE_LABELS
from trainer.evaluations.results import Distribution

# DSFR-inspired colours, from "not at all" to "completely", distinguishable in grey scale too.
COLOURS = ("#ce0500", "#fc5d00", "#6a6af4", "#000091")
HATCHES = ("//", "..", "", "")


@lru_cache(maxsize=1)
def _figure_class():
    # The object API, not pyplot: no global figure state shared between request threads.
    import matplotlib

    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "evaluations", "font.size": 9})
    from matplotlib.figure import Figure

    return Figure


def distribution_svg(distributions: list[Distribution]) -> str:
    """A horizontal stacked bar per question (share of each answer, in %), as SVG text."""
    rows = tuple(
        (d.label, tuple(d.counts[score] for score in (1, 2, 3, 4))) for d in distributions if d.total
    )
    legend = tuple(str(SCALE_LABELS[score]) for score in (1, 2, 3, 4))
    return _render(rows, legend, _("Part des réponses (%)"))


@lru_cache(maxsize=256)
def _render(rows: tuple[tuple[str, tuple[int, ...]], ...], legend: tuple[str, ...], axis_label: str) -> str:
    # Cached on the figures and words themselves: a page shown again with the same answers, in the
    # same language, redraws nothing.
    height = 1.1 + 0.6 * len(rows)
    figure = _figure_class()(figsize=(8, height))
    axes = figure.subplots()
    # Fixed margins instead of tight_layout / bbox "tight": each of those draws the figure again.
    figure.subplots_adjust(left=0.42, right=0.97, top=1 - 0.4 / height, bottom=0.6 / height)
    labels = ["\n".join(textwrap.wrap(label, 45)[:3]) for label, _counts in rows]
    positions = list(range(len(rows)))[::-1]
    left = [0.0] * len(rows)
    for index in range(4):
        shares = [100 * counts[index] / sum(counts) for _label, counts in rows]
        axes.barh(
            positions,
            shares,
            left=left,
            color=COLOURS[index],
            hatch=HATCHES[index],
            edgecolor="white",
            label=legend[index],
            height=0.6,
        )
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.set_yticks(positions, labels)
    axes.set_xlim(0, 100)
    axes.set_xlabel(axis_label)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="lower center", bbox_to_anchor=(0.3, 1.0), ncol=4, frameon=False, fontsize=8)
    axes.tick_params(axis="y", length=0)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def as_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
