"""Charts for the report, each returned as an inline ``<svg>`` string.

Every function builds a :class:`matplotlib.figure.Figure` directly (no pyplot,
so no global figure state and no GUI backend) and serialises it with
:func:`svg_of`, which keeps text as text (``svg.fonttype='none'``: smaller,
selectable and searchable in the PDF), drops the date and the metadata block
(reproducible output, and no external URLs in the report) and salts element
ids per chart so that several charts can share one HTML page without id
clashes. One module per part of the report: ``assessment``, ``forecast``,
``opinion``.
"""

from accord.report.charts._base import KIND_COLOURS, STATUS_COLOURS, plain, svg_of
from accord.report.charts.assessment import (
    agreement_heatmap,
    party_map_chart,
    provenance_share_chart,
    step_status_chart,
)
from accord.report.charts.forecast import SERIES_COLOURS, BandPoint, IssueScale, forecast_chart, trajectory_chart
from accord.report.charts.opinion import RASTER_POINTS, opinion_map_chart

__all__ = [
    "KIND_COLOURS",
    "RASTER_POINTS",
    "SERIES_COLOURS",
    "STATUS_COLOURS",
    "BandPoint",
    "IssueScale",
    "agreement_heatmap",
    "forecast_chart",
    "opinion_map_chart",
    "party_map_chart",
    "plain",
    "provenance_share_chart",
    "step_status_chart",
    "svg_of",
    "trajectory_chart",
]
