"""The same sweep on a local Dask cluster with two worker processes is bit-identical to the local executor."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pytest

from accord.engines.bargaining.classic import CompromiseModel, NashBargainingModel, WeightedMedianModel
from accord.engines.bargaining.executor import parse_executor
from accord.engines.bargaining.montecarlo import BLOCK, Sampler, simulate
from accord.engines.bargaining.scenario_input import scenario_inputs
from accord.errors import AccordError
from accord.io import load_default_scenario

distributed = pytest.importorskip("distributed")

MODELS = [CompromiseModel(), WeightedMedianModel(), NashBargainingModel()]


@pytest.fixture(scope="module")
def cluster_address() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        yield "dask://" + cluster.scheduler_address.removeprefix("tcp://")


def test_dask_cluster_is_bit_identical_to_local(cluster_address: str) -> None:
    sampler = Sampler.from_inputs(scenario_inputs(load_default_scenario().with_variant("coercion")))
    runs = 5 * BLOCK + 3
    local = simulate(sampler, MODELS, runs, seed=2019)
    seen: list[int] = []
    remote = simulate(sampler, MODELS, runs, seed=2019, executor=cluster_address, progress=lambda d, t: seen.append(d))
    np.testing.assert_array_equal(remote.samples, local.samples)
    assert seen[-1] == runs
    # However the cluster groups the blocks into tasks.
    grouped = simulate(sampler, MODELS, runs, seed=2019, executor=cluster_address, blocks_per_task=4)
    np.testing.assert_array_equal(grouped.samples, local.samples)


def test_executor_spec_is_parsed() -> None:
    assert parse_executor("local") is None
    assert parse_executor("dask://10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    for bad in ("dask://", "dask://host", "threads", "dask://host:"):
        with pytest.raises(AccordError, match="expected 'local' or 'dask://HOST:PORT'"):
            parse_executor(bad)


def test_unreachable_scheduler_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.engines.bargaining import executor

    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", 1)
    sampler = Sampler.from_inputs(scenario_inputs(load_default_scenario()))
    with pytest.raises(AccordError, match=re.escape("cannot reach the Dask scheduler at tcp://127.0.0.1:9")):
        simulate(sampler, MODELS[:1], 10, seed=0, executor="dask://127.0.0.1:9")
