"""The Stokman-Van Oosten exchange model (equal-gain exchange between pairs of actors on pairs of issues).

Stokman & Van Oosten (1994), "The exchange of voting positions"; validated
against decide-exchange-model 2025.3.1 (see :class:`ExchangeModel`).
"""

from __future__ import annotations

from accord.engines.bargaining.exchange.model import Exchange, ExchangeModel, ExchangeSide

__all__ = ["Exchange", "ExchangeModel", "ExchangeSide"]
