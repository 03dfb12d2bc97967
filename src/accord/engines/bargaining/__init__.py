"""Settlement forecasts: the published bargaining models behind one estimator contract.

Models are looked up by name; each lives in its own module, imported only when used.
"""

from __future__ import annotations

from importlib import import_module

from accord.engines.bargaining.problem import BargainingModel, BargainingProblem, Forecast, ModelInputError

#: Model name -> "module:Class". Every model passes the conformance suite in tests/bargaining.
MODELS: dict[str, str] = {
    "compromise": "accord.engines.bargaining.classic:CompromiseModel",
    "median": "accord.engines.bargaining.classic:WeightedMedianModel",
    "nash": "accord.engines.bargaining.classic:NashBargainingModel",
    "expected-utility": "accord.engines.bargaining.expected_utility:ExpectedUtilityModel",
    "spatial": "accord.engines.bargaining.spatial:SpatialModel",
    "exchange": "accord.engines.bargaining.exchange:ExchangeModel",
}


def model_class(name: str) -> type[BargainingModel]:
    """The model class registered under ``name``."""
    if name not in MODELS:
        raise ModelInputError(f"no model called {name!r} (known: {', '.join(MODELS)})")
    module, attribute = MODELS[name].split(":")
    model: type[BargainingModel] = getattr(import_module(module), attribute)
    return model


# after MODELS: scenario_forecast looks models up through this module
from accord.engines.bargaining.scenario_forecast import ScenarioForecast, Trajectory, forecast_scenario  # noqa: E402

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
