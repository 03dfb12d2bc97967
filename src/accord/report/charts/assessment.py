"""Charts of the common assessment: provenance shares, agreement, the party map, step status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.ticker import MaxNLocator

from accord.engines.assessment.results import MapPoint, PairMatrix, ProvenanceShare
from accord.report.charts._base import (
    INK,
    KIND_COLOURS,
    MUTED,
    OTHER_COLOURS,
    STATUS_COLOURS,
    empty_message,
    new_figure,
    plain,
    style_axes,
    svg_of,
)


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
    fig = new_figure(7.5, 0.55 * max(len(shares), 1) + 1.4)
    shares = [s for s in shares if s.total > 0] or list(shares)
    if not shares or all(s.total == 0 for s in shares):
        empty_message(fig, "No values recorded for these parties")
        return svg_of(fig, chart_id)
    if by == "kind":
        categories = [k for k in KIND_COLOURS if any(s.by_kind.get(k) for s in shares)]
        categories += sorted({k for s in shares for k in s.by_kind} - set(categories))
        colours = {k: KIND_COLOURS.get(k, OTHER_COLOURS[i % len(OTHER_COLOURS)]) for i, k in enumerate(categories)}
    else:
        totals: dict[str, int] = {}
        for share in shares:
            for source, count in share.by_source.items():
                totals[source] = totals.get(source, 0) + count
        categories = sorted(totals, key=lambda s: (-totals[s], s))
        colours = {c: OTHER_COLOURS[i % len(OTHER_COLOURS)] for i, c in enumerate(categories)}
    ax = fig.add_subplot()
    style_axes(ax)
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
    ax.set_xlabel("share of the party's values (%)", fontsize=9, color=INK)
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
    fig = new_figure(max(4.5, 1.1 * n + 2.5), max(3.5, 0.9 * n + 1.5))
    if n == 0:
        empty_message(fig, "No parties to compare")
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
                text, colour = "n/a", MUTED
            else:
                text = f"{value:+.2f}" if negative else f"{value:.2f}"
                strong = abs(value) > 0.6 if negative else value > 0.6
                colour = "white" if strong else INK
            ax.text(j, i, f"{text}\nn={count}", ha="center", va="center", fontsize=8, color=colour)
    colourbar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    colourbar.ax.tick_params(labelsize=8)
    colourbar.set_label("agreement", fontsize=9)
    return svg_of(fig, chart_id)


def party_map_chart(points: Sequence[MapPoint], names: Mapping[str, str], *, chart_id: str = "chart-map") -> str:
    """A 2-D scatter of the parties, each labelled: nearby parties hold similar positions."""
    fig = new_figure(6.5, 4.8)
    if not points:
        empty_message(fig, "No map: too few positions to place the parties")
        return svg_of(fig, chart_id)
    ax = fig.add_subplot()
    style_axes(ax)
    xs = np.array([p.x for p in points], float)
    ys = np.array([p.y for p in points], float)
    colours = [OTHER_COLOURS[i % len(OTHER_COLOURS)] for i in range(len(points))]
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
    ax.set_xlabel("dimension 1", fontsize=9, color=INK)
    ax.set_ylabel("dimension 2", fontsize=9, color=INK)
    return svg_of(fig, chart_id)


def step_status_chart(counts: Mapping[str, int], *, chart_id: str = "chart-steps") -> str:
    """Horizontal bars: how many steps are in each status (in the order of the process)."""
    fig = new_figure(6.5, 0.4 * max(len(counts), 1) + 1.2)
    if not counts or sum(counts.values()) == 0:
        empty_message(fig, "No steps recorded")
        return svg_of(fig, chart_id)
    ax = fig.add_subplot()
    style_axes(ax)
    statuses = list(counts)
    y = np.arange(len(statuses))
    values = [counts[s] for s in statuses]
    colours = [STATUS_COLOURS.get(s, MUTED) for s in statuses]
    bars = ax.barh(y, values, color=colours, height=0.6)
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            bar.get_width() + 0.05,
            bar.get_y() + bar.get_height() / 2,
            str(value),
            va="center",
            fontsize=9,
            color=INK,
        )
    ax.set_yticks(y, [plain(s) for s in statuses])
    ax.invert_yaxis()
    ax.set_xlabel("steps", fontsize=9, color=INK)
    ax.set_xlim(0, max(values) * 1.15 + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return svg_of(fig, chart_id)


#: Colours of the forecast series: the base scenario first, then each variant.
