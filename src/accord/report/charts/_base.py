"""Shared chart plumbing: colours, a figure factory, and the Figure-to-inline-SVG serialiser."""

from __future__ import annotations

import io
import re

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Colours of the provenance kinds, from the most to the least authoritative.
KIND_COLOURS: dict[str, str] = {
    "declared": "#1b7837",
    "attributed": "#2166ac",
    "estimated": "#d6604d",
}
#: Colours of step statuses.
STATUS_COLOURS: dict[str, str] = {
    "proposed": "#807dba",
    "agreed": "#4393c3",
    "in-progress": "#e08b5c",
    "done": "#1b7837",
    "stalled": "#d6604d",
    "dropped": "#969696",
}
OTHER_COLOURS = ["#8c6bb1", "#41ab5d", "#fd8d3c", "#6baed6", "#e7298a", "#a6761d", "#66a61e", "#e6ab02"]
INK = "#222222"
MUTED = "#666666"

_XML_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_ID = re.compile(r'\sid="([^"]+)"')
#: An id where it is defined (``id="x"``) or used (``href="#x"``, ``url(#x)``).
_ID_USE = re.compile(r'(?:\sid="(?P<name>[^"]+)")|(?:href="#(?P<href>[^"]+)")|(?:url\(#(?P<url>[^)]+)\))')


def plain(text: str) -> str:
    """Text safe for a matplotlib label: ``$`` would otherwise start mathtext."""
    return text.replace("$", r"\$")


def _prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every element id (and the references to it) so that ids stay unique across charts on one page."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg

    def rename(match: re.Match[str]) -> str:
        group = next(g for g in ("name", "href", "url") if match[g] is not None)
        start, end = match.span(group)
        if match[group] not in ids:
            return match[0]
        offset = match.start()
        return f"{match[0][: start - offset]}{prefix}-{match[group]}{match[0][end - offset :]}"

    return _ID_USE.sub(rename, svg)


def svg_of(fig: Figure, chart_id: str, *, tight: bool = True) -> str:
    """Serialise a figure as an inline SVG element (no XML prologue, no metadata, ids salted by ``chart_id``).

    ``tight`` crops the figure to what is drawn (one extra draw); figures laid out by hand can skip it.
    """
    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"accord-{chart_id}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight" if tight else None)
    svg = _XML_PROLOGUE.sub("", buffer.getvalue(), count=1)
    svg = _METADATA.sub("", svg, count=1)
    svg = _prefix_ids(svg, chart_id)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{chart_id}-caption" ', 1)
    return svg.strip()


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_facecolor("white")
    return fig


def style_axes(ax: Axes) -> None:
    """Light, print-friendly axes: no top/right spines, muted ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#999999")
    ax.tick_params(colors=INK, labelsize=9)


def empty_message(fig: Figure, message: str) -> None:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, plain(message), ha="center", va="center", color=MUTED, fontsize=11)
