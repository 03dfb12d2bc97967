"""Charts for the report, each returned as an inline ``<svg>`` string.

Every function builds a :class:`matplotlib.figure.Figure` directly (no pyplot,
so no global figure state and no GUI backend) and serialises it with
:func:`svg_of`, which keeps text as text (``svg.fonttype='none'``: smaller,
selectable and searchable in the PDF), drops the date and the metadata block
(reproducible output, and no external URLs in the report) and salts element
ids per chart so that several charts can share one HTML page without id
clashes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from accord.engines.assessment.results import MapPoint, PairMatrix, ProvenanceShare

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
_OTHER_COLOURS = ["#8c6bb1", "#41ab5d", "#fd8d3c", "#6baed6", "#e7298a", "#a6761d", "#66a61e", "#e6ab02"]
_INK = "#222222"
_MUTED = "#666666"

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


def svg_of(fig: Figure, chart_id: str) -> str:
    """Serialise a figure as an inline SVG element (no XML prologue, no metadata, ids salted by ``chart_id``)."""
    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"accord-{chart_id}"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = _XML_PROLOGUE.sub("", buffer.getvalue(), count=1)
    svg = _METADATA.sub("", svg, count=1)
    svg = _prefix_ids(svg, chart_id)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{chart_id}-caption" ', 1)
    return svg.strip()


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    fig.patch.set_facecolor("white")
    return fig


def _style(ax: Axes) -> None:
    """Light, print-friendly axes: no top/right spines, muted ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#999999")
    ax.tick_params(colors=_INK, labelsize=9)


def _empty(fig: Figure, message: str) -> None:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, plain(message), ha="center", va="center", color=_MUTED, fontsize=11)


def provenance_share_chart(
    shares: Sequence[ProvenanceShare],
    names: Mapping[str, str],
    *,
    by: str = "kind",
    chart_id: str = "chart-provenance",
) -> str:
    """Stacked horizontal bars, one per party: the share of its values by provenance kind or by source.

    ``by`` is ``"kind"`` (declared / attributed / estimated) or ``"source"``
    (source ids such as ``brief``). Shares, not counts, so that parties with
    many and few values compare; the counts are in the table beside it.
    """
    fig = _figure(7.5, 0.55 * max(len(shares), 1) + 1.4)
    shares = [s for s in shares if s.total > 0] or list(shares)
    if not shares or all(s.total == 0 for s in shares):
        _empty(fig, "No values recorded for these parties")
        return svg_of(fig, chart_id)
    if by == "kind":
        categories = [k for k in KIND_COLOURS if any(s.by_kind.get(k) for s in shares)]
        categories += sorted({k for s in shares for k in s.by_kind} - set(categories))
        colours = {k: KIND_COLOURS.get(k, _OTHER_COLOURS[i % len(_OTHER_COLOURS)]) for i, k in enumerate(categories)}
    else:
        totals: dict[str, int] = {}
        for share in shares:
            for source, count in share.by_source.items():
                totals[source] = totals.get(source, 0) + count
        categories = sorted(totals, key=lambda s: (-totals[s], s))
        colours = {c: _OTHER_COLOURS[i % len(_OTHER_COLOURS)] for i, c in enumerate(categories)}
    ax = fig.add_subplot()
    _style(ax)
    labels = [plain(names.get(s.party, s.party)) for s in shares]
    y = np.arange(len(shares))
    left = np.zeros(len(shares))
    for category in categories:
        counts = np.array([(s.by_kind if by == "kind" else s.by_source).get(category, 0) for s in shares], float)
        totals_arr = np.array([max(s.total, 1) for s in shares], float)
        widths = 100.0 * counts / totals_arr
        bars = ax.barh(y, widths, left=left, color=colours[category], label=plain(category), height=0.6)
        for bar, width in zip(bars, widths, strict=True):
            if width >= 8:
                ax.text(
                    bar.get_x() + width / 2,
                    bar.get_y() + bar.get_height() / 2,
                    f"{width:.0f}%",
                    ha="center",
                    va="center",
                    color="white",
                    fontsize=8,
                )
        left += widths
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of the party's values (%)", fontsize=9, color=_INK)
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=min(len(categories), 5),
        frameon=False,
        fontsize=8,
    )
    return svg_of(fig, chart_id)


def agreement_heatmap(matrix: PairMatrix, names: Mapping[str, str], *, chart_id: str = "chart-agreement") -> str:
    """A heatmap of pairwise agreement, each cell annotated with its value and how many items it compares.

    Cells where nothing could be compared are grey and read "n/a". The colour
    scale runs from -1 to 1 when any value is negative (stance agreement) and
    from 0 to 1 otherwise.
    """
    n = len(matrix.parties)
    fig = _figure(max(4.5, 1.1 * n + 2.5), max(3.5, 0.9 * n + 1.5))
    if n == 0:
        _empty(fig, "No parties to compare")
        return svg_of(fig, chart_id)
    data = np.ma.masked_invalid(
        np.array([[np.nan if v is None else float(v) for v in row] for row in matrix.values], dtype=float)
    )
    negative = bool(np.ma.min(data) < 0) if data.count() else False
    vmin, vmax = (-1.0, 1.0) if negative else (0.0, 1.0)
    cmap = mpl.colormaps["RdBu" if negative else "Blues"].with_extremes(bad="#dddddd")
    ax = fig.add_subplot()
    image = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax)
    labels = [plain(names.get(p, p)) for p in matrix.parties]
    ax.set_xticks(range(n), labels, rotation=30, ha="right", fontsize=9)
    ax.set_yticks(range(n), labels, fontsize=9)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for i in range(n):
        for j in range(n):
            value = matrix.values[i][j]
            count = matrix.counts[i][j] if i < len(matrix.counts) and j < len(matrix.counts[i]) else 0
            if value is None:
                text, colour = "n/a", _MUTED
            else:
                text = f"{value:+.2f}" if negative else f"{value:.2f}"
                strong = abs(value) > 0.6 if negative else value > 0.6
                colour = "white" if strong else _INK
            ax.text(j, i, f"{text}\nn={count}", ha="center", va="center", fontsize=8, color=colour)
    colourbar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    colourbar.ax.tick_params(labelsize=8)
    colourbar.set_label("agreement", fontsize=9)
    return svg_of(fig, chart_id)


def party_map_chart(points: Sequence[MapPoint], names: Mapping[str, str], *, chart_id: str = "chart-map") -> str:
    """A 2-D scatter of the parties, each labelled: nearby parties hold similar positions."""
    fig = _figure(6.5, 4.8)
    if not points:
        _empty(fig, "No map: too few positions to place the parties")
        return svg_of(fig, chart_id)
    ax = fig.add_subplot()
    _style(ax)
    xs = np.array([p.x for p in points], float)
    ys = np.array([p.y for p in points], float)
    colours = [_OTHER_COLOURS[i % len(_OTHER_COLOURS)] for i in range(len(points))]
    ax.scatter(xs, ys, s=90, c=colours, edgecolors="white", linewidths=1.5, zorder=3)
    for point, colour in zip(points, colours, strict=True):
        ax.annotate(
            plain(names.get(point.party, point.party)),
            (point.x, point.y),
            xytext=(7, 6),
            textcoords="offset points",
            fontsize=9,
            color=colour,
            fontweight="bold",
        )
    span = max(float(np.ptp(xs)), float(np.ptp(ys)), 1e-6)
    pad = 0.2 * span
    ax.set_xlim(xs.min() - pad, xs.max() + pad * 1.6)
    ax.set_ylim(ys.min() - pad, ys.max() + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.axhline(0, color="#eeeeee", zorder=0)
    ax.axvline(0, color="#eeeeee", zorder=0)
    ax.set_xlabel("dimension 1", fontsize=9, color=_INK)
    ax.set_ylabel("dimension 2", fontsize=9, color=_INK)
    return svg_of(fig, chart_id)


def step_status_chart(counts: Mapping[str, int], *, chart_id: str = "chart-steps") -> str:
    """Horizontal bars: how many steps are in each status (in the order of the process)."""
    fig = _figure(6.5, 0.4 * max(len(counts), 1) + 1.2)
    if not counts or sum(counts.values()) == 0:
        _empty(fig, "No steps recorded")
        return svg_of(fig, chart_id)
    ax = fig.add_subplot()
    _style(ax)
    statuses = list(counts)
    y = np.arange(len(statuses))
    values = [counts[s] for s in statuses]
    colours = [STATUS_COLOURS.get(s, _MUTED) for s in statuses]
    bars = ax.barh(y, values, color=colours, height=0.6)
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            bar.get_width() + 0.05,
            bar.get_y() + bar.get_height() / 2,
            str(value),
            va="center",
            fontsize=9,
            color=_INK,
        )
    ax.set_yticks(y, [plain(s) for s in statuses])
    ax.invert_yaxis()
    ax.set_xlabel("steps", fontsize=9, color=_INK)
    ax.set_xlim(0, max(values) * 1.15 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return svg_of(fig, chart_id)
