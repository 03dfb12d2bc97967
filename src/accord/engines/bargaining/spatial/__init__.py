"""KTAB's spatial model of politics (SMP): probabilistic Condorcet elections, challenges and bargains.

Small modules, each one part of KTAB's SMP (Wise, Lumley et al., KAPSARC 2015-2017):
``kernels`` (votes, victory odds, utility), ``pce`` (probabilistic Condorcet
elections, risk attitudes), ``challenge`` (expected gains of challenges),
``bargain`` (interpolated bargains and their resolution), ``engine`` (the turn loop
and stopping rule) and ``model`` (the :class:`SpatialModel` estimator).
"""

from accord.engines.bargaining.spatial.engine import Run, run
from accord.engines.bargaining.spatial.model import SpatialModel
from accord.engines.bargaining.spatial.options import CHOICES, DEFAULTS, SmpOptions

__all__ = ["CHOICES", "DEFAULTS", "Run", "SmpOptions", "SpatialModel", "run"]
