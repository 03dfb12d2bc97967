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
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import NDArray

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


#: Colours of the forecast series: the base scenario first, then each variant.
SERIES_COLOURS = ["#222222", "#1b7837", "#b2182b", "#2166ac", "#e08b5c", "#807dba"]
#: Line styles of the recorded outcomes, in date order.
_OUTCOME_STYLES = ["--", ":", "-.", (0, (5, 2, 1, 2))]


@dataclass(frozen=True)
class BandPoint:
    """One forecast with its 80% band (``low``/``high`` None when there is no band)."""

    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class IssueScale:
    """An issue's scale with its labelled ends, for the forecast charts."""

    name: str
    low: float
    high: float
    low_label: str
    high_label: str
    status_quo: float | None = None


def forecast_chart(
    scale: IssueScale,
    models: Sequence[str],
    series: Mapping[str, Sequence[BandPoint | None]],
    outcomes: Sequence[tuple[str, float]] = (),
    *,
    chart_id: str = "chart-forecast",
) -> str:
    """Each model's forecast on one issue's scale, one row per model, with 80% band whiskers.

    ``series`` maps a label (``base``, then each variant) to one point per model
    (None: no forecast); the series of a model sit side by side in its row.
    ``outcomes`` (label, value) are drawn as vertical lines across all rows, the
    status quo as a grey dotted line, and the scale's ends carry their labels.
    """
    labels = list(series)
    fig = _figure(7.5, max(len(models), 1) * (0.16 * max(len(labels), 1) + 0.14) + 1.3)
    if not models or not labels:
        _empty(fig, "No forecast for this issue")
        return svg_of(fig, chart_id)
    ax = fig.add_subplot()
    _style(ax)
    y = np.arange(len(models), dtype=float)
    step = 0.7 / max(len(labels), 1)
    for k, label in enumerate(labels):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        offset = (k - (len(labels) - 1) / 2) * step
        points = series[label]
        xs, ys, lo, hi = [], [], [], []
        for i, point in enumerate(points):
            if point is None:
                continue
            xs.append(point.value)
            ys.append(y[i] + offset)
            has_band = point.low is not None and point.high is not None
            lo.append(point.value - point.low if has_band and point.low is not None else 0.0)
            hi.append(point.high - point.value if has_band and point.high is not None else 0.0)
        if not xs:
            continue
        ax.errorbar(
            xs,
            ys,
            xerr=np.array([np.maximum(lo, 0.0), np.maximum(hi, 0.0)]),
            fmt="o" if k == 0 else "D",
            markersize=5 if k == 0 else 4,
            color=colour,
            ecolor=colour,
            elinewidth=1.4,
            capsize=3,
            label=plain(label),
            zorder=3,
        )
    if scale.status_quo is not None:
        ax.axvline(scale.status_quo, color="#aaaaaa", linestyle=":", linewidth=1.2, zorder=1)
        ax.text(
            scale.status_quo,
            1.0,
            "status quo",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7,
            color=_MUTED,
        )
    for k, (label, value) in enumerate(outcomes):
        style = _OUTCOME_STYLES[k % len(_OUTCOME_STYLES)]
        ax.axvline(value, color="#8c510a", linestyle=style, linewidth=1.3, zorder=2, label=plain(f"outcome {label}"))
    ax.set_yticks(y, [plain(m) for m in models])
    ax.invert_yaxis()
    ax.set_ylim(len(models) - 0.5, -0.5)
    pad = 0.02 * (scale.high - scale.low)
    ax.set_xlim(scale.low - pad, scale.high + pad)
    ax.set_xticks([scale.low, (scale.low + scale.high) / 2, scale.high])
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    for x, label, align in (
        (0.0, f"{scale.low:g} = {scale.low_label}", "left"),
        (1.0, f"{scale.high:g} = {scale.high_label}", "right"),
    ):
        ax.annotate(
            plain(_wrap(label)),
            (x, 0.0),
            xycoords="axes fraction",
            xytext=(0, -20),
            textcoords="offset points",
            ha=align,
            va="top",
            fontsize=8,
            color=_MUTED,
        )
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.04),
        ncol=min(len(labels) + len(outcomes), 5),
        frameon=False,
        fontsize=8,
    )
    return svg_of(fig, chart_id)


def trajectory_chart(
    issues: Sequence[IssueScale],
    actors: Sequence[str],
    positions: NDArray[np.float64],
    forecast: NDArray[np.float64] | None,
    *,
    forecast_label: str = "forecast",
    chart_id: str = "chart-trajectory",
) -> str:
    """Small multiples, one per issue: each actor's position round by round (faint) and the forecast (bold).

    ``positions`` is (rounds + 1, n, m), the inputs first; ``forecast`` (rounds + 1, m) or None.
    """
    m = len(issues)
    columns = min(3, max(m, 1))
    rows = (m + columns - 1) // columns
    fig = _figure(9.0, 2.3 * max(rows, 1) + 0.9)
    if m == 0 or positions.size == 0:
        _empty(fig, "No rounds to show")
        return svg_of(fig, chart_id)
    grid = fig.subplots(rows, columns, squeeze=False)
    rounds = np.arange(positions.shape[0])
    colours = [_OTHER_COLOURS[i % len(_OTHER_COLOURS)] for i in range(len(actors))]
    for j, scale in enumerate(issues):
        ax = grid[j // columns][j % columns]
        _style(ax)
        for i, actor in enumerate(actors):
            ax.plot(rounds, positions[:, i, j], color=colours[i], alpha=0.45, linewidth=1.0, label=plain(actor))
        if forecast is not None and np.isfinite(forecast[:, j]).any():
            ax.plot(rounds, forecast[:, j], color=_INK, linewidth=2.4, label=plain(forecast_label), zorder=3)
        ax.set_ylim(scale.low, scale.high)
        ax.set_yticks([scale.low, scale.high])
        ax.set_title(plain(_wrap(scale.name, 38)), fontsize=8.5, color=_INK)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.tick_params(labelsize=7)
    for k in range(m, rows * columns):
        grid[k // columns][k % columns].set_axis_off()
    for ax in grid[-1]:
        if ax.axison:
            ax.set_xlabel("round", fontsize=8, color=_INK)
    handles, labels = grid[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=min(len(labels), 7), frameon=False, fontsize=8)
    height = 2.3 * rows + 0.9
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.6 / height, top=1 - 0.75 / height, wspace=0.25, hspace=0.55)
    return svg_of(fig, chart_id, tight=False)


def _wrap(text: str, width: int = 48) -> str:
    """Text wrapped to lines of at most ``width`` characters (for labels under the axes)."""
    return "\n".join(textwrap.wrap(text, width)) or text


#: Above this many participants the opinion map draws its points as an embedded image (the SVG stays small).
RASTER_POINTS = 20_000
_UNGROUPED = "#b0b0b0"


def opinion_map_chart(
    xy: NDArray[np.float64],
    groups: NDArray[np.int64],
    group_names: Sequence[str],
    labels: Sequence[str] | None = None,
    *,
    chart_id: str = "chart-opinion",
) -> str:
    """The opinion map: participants where the Pol.is projection places them, coloured by opinion group.

    ``xy`` is (participants, 2), ``groups`` the group of each (-1: not clustered, drawn grey) and
    ``group_names`` the legend label of each group. ``labels`` names each participant (a handful of
    parties); without it, each group's name sits at its centre. Many participants are drawn small and
    translucent, and beyond :data:`RASTER_POINTS` as an embedded image so the page stays light.
    """
    n = len(xy)
    fig = _figure(6.5, 4.8)
    if n == 0:
        _empty(fig, "No opinion map: no participant has a known stance")
        return svg_of(fig, chart_id)
    ax = fig.add_subplot()
    _style(ax)
    xs, ys = np.asarray(xy[:, 0], float), np.asarray(xy[:, 1], float)
    size, alpha, edge = (90.0, 1.0, 1.5) if n <= 50 else (12.0, 0.6, 0.0) if n <= 2_000 else (3.0, 0.35, 0.0)
    colours = [_OTHER_COLOURS[g % len(_OTHER_COLOURS)] for g in range(len(group_names))]
    ungrouped = groups < 0
    if ungrouped.any():
        ax.scatter(
            xs[ungrouped],
            ys[ungrouped],
            s=size,
            c=_UNGROUPED,
            alpha=alpha,
            edgecolors="white",
            linewidths=edge,
            label=f"not clustered ({int(ungrouped.sum()):,})",
            zorder=2,
            rasterized=n > RASTER_POINTS,
        )
    for g, name in enumerate(group_names):
        members = groups == g
        if not members.any():
            continue
        ax.scatter(
            xs[members],
            ys[members],
            s=size,
            c=colours[g],
            alpha=alpha,
            edgecolors="white",
            linewidths=edge,
            label=plain(name),
            zorder=3,
            rasterized=n > RASTER_POINTS,
        )
    if labels is not None:
        near = 0.08 * max(float(np.ptp(xs)), float(np.ptp(ys)), 1e-6)
        for i, (x, y, label, g) in enumerate(zip(xs, ys, labels, groups.tolist(), strict=True)):
            # a label whose point has a close neighbour just above it goes below, so the two do not overlap
            crowded = np.any((np.abs(xs - x) < 3 * near) & (ys > y) & (ys - y < near) & (np.arange(n) != i))
            ax.annotate(
                plain(label),
                (x, y),
                xytext=(7, -12 if crowded else 6),
                textcoords="offset points",
                fontsize=9,
                color=colours[g] if g >= 0 else _MUTED,
                fontweight="bold",
            )
    else:
        for g, name in enumerate(group_names):
            members = groups == g
            if members.any():
                ax.annotate(
                    plain(name),
                    (float(xs[members].mean()), float(ys[members].mean())),
                    ha="center",
                    va="center",
                    fontsize=9,
                    fontweight="bold",
                    color=_INK,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colours[g], "alpha": 0.85},
                    zorder=4,
                )
    span = max(float(np.ptp(xs)), float(np.ptp(ys)), 1e-6)
    pad = 0.15 * span if labels is None else 0.2 * span
    ax.set_xlim(xs.min() - pad, xs.max() + pad * (1.6 if labels is not None else 1.0))
    ax.set_ylim(ys.min() - pad, ys.max() + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.axhline(0, color="#eeeeee", zorder=0)
    ax.axvline(0, color="#eeeeee", zorder=0)
    ax.set_xlabel("principal component 1", fontsize=9, color=_INK)
    ax.set_ylabel("principal component 2", fontsize=9, color=_INK)
    if labels is None:
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
        for handle in legend.legend_handles:
            if handle is not None:
                handle.set_alpha(1.0)
    return svg_of(fig, chart_id)
