"""Charts of the settlement forecasts: bands per issue and model, and round-by-round trajectories."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator
from numpy.typing import NDArray

from accord.report.charts._base import INK, MUTED, OTHER_COLOURS, empty_message, new_figure, plain, style_axes, svg_of

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
    fig = new_figure(7.5, max(len(models), 1) * (0.16 * max(len(labels), 1) + 0.14) + 1.3)
    if not models or not labels:
        empty_message(fig, "No forecast for this issue")
        return svg_of(fig, chart_id)
    ax = fig.add_subplot()
    style_axes(ax)
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
            color=MUTED,
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
            color=MUTED,
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
    fig = new_figure(9.0, 2.3 * max(rows, 1) + 0.9)
    if m == 0 or positions.size == 0:
        empty_message(fig, "No rounds to show")
        return svg_of(fig, chart_id)
    grid = fig.subplots(rows, columns, squeeze=False)
    rounds = np.arange(positions.shape[0])
    colours = [OTHER_COLOURS[i % len(OTHER_COLOURS)] for i in range(len(actors))]
    for j, scale in enumerate(issues):
        ax = grid[j // columns][j % columns]
        style_axes(ax)
        for i, actor in enumerate(actors):
            ax.plot(rounds, positions[:, i, j], color=colours[i], alpha=0.45, linewidth=1.0, label=plain(actor))
        if forecast is not None and np.isfinite(forecast[:, j]).any():
            ax.plot(rounds, forecast[:, j], color=INK, linewidth=2.4, label=plain(forecast_label), zorder=3)
        ax.set_ylim(scale.low, scale.high)
        ax.set_yticks([scale.low, scale.high])
        ax.set_title(plain(_wrap(scale.name, 38)), fontsize=8.5, color=INK)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.tick_params(labelsize=7)
    for k in range(m, rows * columns):
        grid[k // columns][k % columns].set_axis_off()
    for ax in grid[-1]:
        if ax.axison:
            ax.set_xlabel("round", fontsize=8, color=INK)
    handles, labels = grid[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=min(len(labels), 7), frameon=False, fontsize=8)
    height = 2.3 * rows + 0.9
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.6 / height, top=1 - 0.75 / height, wspace=0.25, hspace=0.55)
    return svg_of(fig, chart_id, tight=False)


def _wrap(text: str, width: int = 48) -> str:
    """Text wrapped to lines of at most ``width`` characters (for labels under the axes)."""
    return "\n".join(textwrap.wrap(text, width)) or text


#: Above this many participants the opinion map draws its points as an embedded image (the SVG stays small).
