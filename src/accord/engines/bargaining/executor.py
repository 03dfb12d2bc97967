"""Where a Monte Carlo sweep runs: in this process (``local``) or on a Dask cluster (``dask://HOST:PORT``).

The sweep is cut into tasks of whole blocks; each block draws from its own
spawned seed (see :mod:`accord.engines.bargaining.montecarlo`), so the samples
are bit-identical whatever the executor and however blocks are grouped. On a
cluster the sweep description is scattered once to every worker and tasks are
submitted with ``Client.map``; results come back as they finish (for the
progress bar) and are put back in block order. Dask is the optional extra
``accord[distributed]``, imported only when a ``dask://`` executor is asked for;
the workers need accord installed too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from accord.engines.bargaining.problem import Array
from accord.errors import AccordError

if TYPE_CHECKING:
    from accord.engines.bargaining.montecarlo import Progress, Sweep

#: How long to wait for a cluster's scheduler before giving up, in seconds.
CONNECT_TIMEOUT = 10


def parse_executor(spec: str) -> str | None:
    """None for ``local``, else the scheduler address ``tcp://HOST:PORT`` of ``dask://HOST:PORT``."""
    if spec == "local":
        return None
    prefix = "dask://"
    if spec.startswith(prefix) and ":" in spec[len(prefix) :] and not spec.endswith(":"):
        return "tcp://" + spec[len(prefix) :]
    raise AccordError(f"executor is {spec!r}; expected 'local' or 'dask://HOST:PORT' (e.g. dask://10.0.0.5:8786)")


def run_sweep(
    sweep: Sweep,
    blocks: Sequence[tuple[int, int]],
    executor: str = "local",
    *,
    progress: Progress | None = None,
    blocks_per_task: int | None = None,
) -> Array:
    """Every block's forecasts, in block order: (models, runs, m)."""
    address = parse_executor(executor)
    total = sum(size for _, size in blocks)
    if address is None:
        per_task = blocks_per_task or 1
        parts = []
        done = 0
        for start in range(0, len(blocks), per_task):
            task = blocks[start : start + per_task]
            parts.append(sweep.run_blocks(task))
            done += sum(size for _, size in task)
            if progress is not None:
                progress(done, total)
        return np.concatenate(parts, axis=1)
    return _run_on_dask(sweep, blocks, address, progress, blocks_per_task)


def _run_on_dask(
    sweep: Sweep,
    blocks: Sequence[tuple[int, int]],
    address: str,
    progress: Progress | None,
    blocks_per_task: int | None,
) -> Array:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise AccordError(
            "the dask executor needs Dask's distributed scheduler: pip install 'accord[distributed]'"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as error:
        raise AccordError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        per_task = blocks_per_task or max(1, len(blocks) // (4 * workers))
        tasks = [list(blocks[start : start + per_task]) for start in range(0, len(blocks), per_task)]
        shared = client.scatter(sweep, broadcast=True)  # type: ignore[no-untyped-call]
        futures = client.map(_run_task, [shared] * len(tasks), tasks, pure=False)
        order = {future.key: i for i, future in enumerate(futures)}
        parts: list[Array | None] = [None] * len(tasks)
        total = sum(size for _, size in blocks)
        done = 0
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            i = order[future.key]
            parts[i] = future.result()
            done += sum(size for _, size in tasks[i])
            if progress is not None:
                progress(done, total)
        return np.concatenate([part for part in parts if part is not None], axis=1)
    finally:
        client.close()  # type: ignore[no-untyped-call]


def _run_task(sweep: Sweep, blocks: list[tuple[int, int]]) -> Array:
    """One task on a worker: some whole blocks of the sweep."""
    return sweep.run_blocks(blocks)
