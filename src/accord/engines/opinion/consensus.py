"""Consensus, group-informed consensus and statement priority, as Pol.is computes them.

Following Pol.is (Small et al. 2021; the math component's ``repness.clj`` and
``conversation.clj``):

* **consensus**: over every participant, a statement is a consensus agree
  when ``pa = (1 + na) / (2 + ns) > 0.5`` and its z-score ``pat`` is
  significant at 90%; up to five, ranked by ``pa x pat`` (the same for
  disagree);
* **group-informed consensus**: the product over groups of each group's
  ``(agrees + 1) / (seen + 2)``: high only when *every* group agrees, however
  small (Pol.is computes it for agree; accord gives the disagree twin too);
* **priority**: Pol.is's ordering for showing statements next,
  ``(importance x (1 + 8 x 2^(-S/5)))^2`` with
  ``importance = (1 - p) (E + 1) a``, ``p = (P + 1)/(S + 2)`` (passes),
  ``a = (A + 1)/(S + 2)`` and ``E`` the statement's extremity; fresh
  statements (small ``S``) get a boost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.engines.opinion.repness import PICK, Z90, GroupCounts, prop_test


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most participants agree (or disagree) with, significantly."""

    statement: int
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


def consensus(votes: Any, pick: int = PICK) -> list[ConsensusStatement]:
    """Pol.is's consensus statements over all participants: agrees first, then disagrees."""
    from accord.engines.opinion.sparse import as_csr

    votes = as_csr(votes)
    n_s = votes.shape[1]
    seen = np.bincount(votes.indices, minlength=n_s).astype(np.float64)
    out: list[ConsensusStatement] = []
    for direction, mask in (("agree", votes.data > 0), ("disagree", votes.data < 0)):
        n = np.bincount(votes.indices[mask], minlength=n_s).astype(np.float64)
        p = (1.0 + n) / (2.0 + seen)
        test = prop_test(n, seen)
        ok = np.flatnonzero((p > 0.5) & (test > Z90))
        ranked = ok[np.argsort(-(p[ok] * test[ok]), kind="stable")][:pick]
        out.extend(
            ConsensusStatement(int(j), direction, int(n[j]), int(seen[j]), float(p[j]), float(test[j])) for j in ranked
        )
    return out


def group_informed_consensus(counts: GroupCounts) -> tuple[np.ndarray, np.ndarray]:
    """(agree, disagree) group-informed consensus of every statement."""
    seen = counts.seen + 2.0
    agree = np.prod((counts.agree + 1.0) / seen, axis=0)
    disagree = np.prod((counts.disagree + 1.0) / seen, axis=0)
    return np.asarray(agree), np.asarray(disagree)


def priority(counts: GroupCounts, extremity: np.ndarray) -> np.ndarray:
    """Pol.is's comment priority from the clustered participants' votes and the statement extremity."""
    a_n = counts.agree.sum(axis=0).astype(np.float64)
    d_n = counts.disagree.sum(axis=0).astype(np.float64)
    s_n = counts.seen.sum(axis=0).astype(np.float64)
    passes = s_n - a_n - d_n
    p = (passes + 1.0) / (s_n + 2.0)
    a = (a_n + 1.0) / (s_n + 2.0)
    importance = (1.0 - p) * (extremity + 1.0) * a
    return np.asarray((importance * (1.0 + 8.0 * 2.0 ** (-s_n / 5.0))) ** 2)
