"""Agreement with the groups Pol.is itself assigned: adjusted Rand index floors per conversation.

The floors sit just under the figures in docs/opinion.md (measured with the
default options); red-dwarf 0.4.0's figures are in the data README.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped, unused-ignore]

from accord.engines.opinion import groups_by_id, run
from accord.io.polis import read_polis, read_polis_groups

#: conversation: (accord's ARI floor, red-dwarf 0.4.0's ARI)
FLOORS = {
    "vtaiwan.uberx": (0.66, 0.826),
    "brexit-consensus": (0.54, 0.636),
    "scoop-hivemind.biodiversity": (0.97, 0.954),
    "15-per-hour-seattle": (0.92, 0.459),
    "canadian-electoral-reform": (0.94, 1.000),
    "football-concussions": (0.13, 0.200),
    "london.youth.policing": (0.16, 0.122),
    "scoop-hivemind.ubi": (0.09, 0.095),
    "scoop-hivemind.freshwater": (0.12, 0.132),
}


def ari_against_polis(folder: Path) -> float:
    ours = groups_by_id(run(read_polis(folder)))
    theirs = read_polis_groups(folder)
    both = [pid for pid, g in ours.items() if g is not None and theirs.get(pid) is not None]
    return float(adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both]))


@pytest.mark.parametrize("conversation", sorted(FLOORS))
def test_ari_floor(conversation: str, shared: Callable[[str], Path]) -> None:
    assert ari_against_polis(shared(f"data/polis/{conversation}")) >= FLOORS[conversation][0]


def test_mean_ari_beats_red_dwarf(shared: Callable[[str], Path]) -> None:
    scores = [ari_against_polis(shared(f"data/polis/{name}")) for name in FLOORS]
    red_dwarf = sum(rd for _, rd in FLOORS.values()) / len(FLOORS)
    assert sum(scores) / len(scores) > red_dwarf
