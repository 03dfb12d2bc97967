"""The ``accord`` command line. Each module registers its commands on the shared app.

Bad input is reported as a clear message naming the file, line and field, with
exit status 1; a usage error exits with 2; never a traceback.
"""

from accord.cli import (
    backtest,  # noqa: F401  (registers the backtest command)
    forecast,  # noqa: F401  (registers accord forecast)
    opinion,  # noqa: F401  (registers accord opinion)
    scenario,  # noqa: F401  (registers the scenario commands)
)
from accord.cli.app import app


def main() -> None:
    """Console entry point."""
    app()


__all__ = ["app", "main"]
