"""Settlement forecasts: the published bargaining models behind one estimator contract.

Models are looked up by name; each lives in its own module, imported only when
used. The names below load on first access (PEP 562), so that importing the
package (as every command line does) costs nothing until a forecast is made.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.engines.bargaining.problem import BargainingModel, BargainingProblem, Forecast, ModelInputError
    from accord.engines.bargaining.scenario_forecast import ScenarioForecast, Trajectory, forecast_scenario

#: Model name -> "module:Class". Every model passes the conformance suite in tests/bargaining.
MODELS: dict[str, str] = {
    "compromise": "accord.engines.bargaining.classic:CompromiseModel",
    "median": "accord.engines.bargaining.classic:WeightedMedianModel",
    "nash": "accord.engines.bargaining.classic:NashBargainingModel",
    "expected-utility": "accord.engines.bargaining.expected_utility:ExpectedUtilityModel",
    "spatial": "accord.engines.bargaining.spatial:SpatialModel",
    "exchange": "accord.engines.bargaining.exchange:ExchangeModel",
}

_LAZY = {
    "BargainingModel": "accord.engines.bargaining.problem",
    "BargainingProblem": "accord.engines.bargaining.problem",
    "Forecast": "accord.engines.bargaining.problem",
    "ModelInputError": "accord.engines.bargaining.problem",
    "ScenarioForecast": "accord.engines.bargaining.scenario_forecast",
    "Trajectory": "accord.engines.bargaining.scenario_forecast",
    "forecast_scenario": "accord.engines.bargaining.scenario_forecast",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def model_class(name: str) -> type[BargainingModel]:
    """The model class registered under ``name``."""
    from accord.engines.bargaining.problem import ModelInputError

    if name not in MODELS:
        raise ModelInputError(f"no model called {name!r} (known: {', '.join(MODELS)})")
    module, attribute = MODELS[name].split(":")
    model: type[BargainingModel] = getattr(import_module(module), attribute)
    return model


__all__ = [
    "MODELS",
    "BargainingModel",
    "BargainingProblem",
    "Forecast",
    "ModelInputError",
    "ScenarioForecast",
    "Trajectory",
    "forecast_scenario",
    "model_class",
]
