"""Answer distributions as an SVG chart (matplotlib), embedded as a data URI.

A data URI keeps the page within the Content-Security-Policy (``img-src 'self' data:``) and
needs no second request; the page always shows the same figures in a table next to it.
"""

from __future__ import annotations

import base64
import io
import textwrap
from functools import lru_cache

from trainer.evaluations.results import Distribution

# DSFR-inspired colours, from "not at all" to "completely", distinguishable in grey scale too.
COLOURS = ("#ce0500", "#fc5d00", "#6a6af4", "#000091")
HATCHES = ("//", "..", "", "")
LEGEND = ("1 – Pas du tout", "2 – Plutôt non", "3 – Plutôt oui", "4 – Tout à fait")


@lru_cache(maxsize=1)
def _figure_class():
    # The object API, not pyplot: no global figure state shared between request threads.
    import matplotlib

    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "evaluations", "font.size": 9})
    from matplotlib.figure import Figure

    return Figure


def distribution_svg(distributions: list[Distribution]) -> str:
    """A horizontal stacked bar per question (share of each answer, in %), as SVG text."""
    rows = [d for d in distributions if d.total]
    height = 1.1 + 0.55 * len(rows)
    figure = _figure_class()(figsize=(7.5, height))
    axes = figure.subplots()
    labels = ["\n".join(textwrap.wrap(d.label, 48)[:3]) for d in rows]
    positions = list(range(len(rows)))[::-1]
    left = [0.0] * len(rows)
    for index, score in enumerate((1, 2, 3, 4)):
        shares = [d.share(score) for d in rows]
        axes.barh(
            positions,
            shares,
            left=left,
            color=COLOURS[index],
            hatch=HATCHES[index],
            edgecolor="white",
            label=LEGEND[index],
            height=0.6,
        )
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.set_yticks(positions, labels)
    axes.set_xlim(0, 100)
    axes.set_xlabel("Part des réponses (%)")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.4, -0.35 / height * 3), ncol=4, frameon=False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def as_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
