"""Bueno de Mesquita's expected-utility model after Scholz, Calbert & Smith (2011), in two modes.

``core`` holds the vectorised arithmetic of a round, ``dynamics`` the offer
rules of each mode, ``model`` the estimator. See docs/models/expected-utility.md.
"""

from accord.engines.bargaining.expected_utility.model import Event, ExpectedUtilityModel, History

__all__ = ["Event", "ExpectedUtilityModel", "History"]
