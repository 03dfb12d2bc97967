"""The opinion map: participants placed by the Pol.is projection, coloured by group."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from accord.report.charts._base import INK, MUTED, OTHER_COLOURS, empty_message, new_figure, plain, style_axes, svg_of

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
    fig = new_figure(6.5, 4.8)
    if n == 0:
        empty_message(fig, "No opinion map: no participant has a known stance")
        return svg_of(fig, chart_id)
    ax = fig.add_subplot()
    style_axes(ax)
    xs, ys = np.asarray(xy[:, 0], float), np.asarray(xy[:, 1], float)
    size, alpha, edge = (90.0, 1.0, 1.5) if n <= 50 else (12.0, 0.6, 0.0) if n <= 2_000 else (3.0, 0.35, 0.0)
    colours = [OTHER_COLOURS[g % len(OTHER_COLOURS)] for g in range(len(group_names))]
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
                color=colours[g] if g >= 0 else MUTED,
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
                    color=INK,
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
    ax.set_xlabel("principal component 1", fontsize=9, color=INK)
    ax.set_ylabel("principal component 2", fontsize=9, color=INK)
    if labels is None:
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
        for handle in legend.legend_handles:
            if handle is not None:
                handle.set_alpha(1.0)
    return svg_of(fig, chart_id)
