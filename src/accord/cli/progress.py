"""A Rich progress bar for Monte Carlo sweeps, on stderr, shown only when a sweep takes more than a moment."""

from __future__ import annotations

import time
from types import TracebackType

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from accord.cli.app import err

#: Seconds a sweep runs before its bar appears (quick sweeps show none).
DELAY = 0.5


class MonteCarloBar:
    """A progress bar over all runs of several sweeps (the base, then each variant), on stderr.

    Use as a context manager; it yields the callback that :func:`accord.engines.bargaining.montecarlo.simulate`
    calls with ``(runs done, runs in the sweep)``. The bar appears only when stderr is a terminal, ``show``
    is true and the sweeps have run longer than :data:`DELAY` seconds.
    """

    def __init__(self, total: int, show: bool, label: str = "Monte Carlo") -> None:
        self.total = total
        self.enabled = show and total > 0 and err.is_terminal
        self.bar = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        self.task = self.bar.add_task("runs", total=total)
        self.offset = 0
        self.started_at = 0.0
        self.visible = False

    def __enter__(self) -> MonteCarloBar:
        self.started_at = time.perf_counter()
        return self

    def __call__(self, done: int, total: int) -> None:
        """One sweep's progress; sweeps run one after another."""
        if self.enabled and not self.visible and time.perf_counter() - self.started_at > DELAY:
            self.bar.start()
            self.visible = True
        self.bar.update(self.task, completed=self.offset + done)
        if done >= total:
            self.offset += total

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.visible:
            self.bar.stop()
