"""Representative statements of each opinion group, with Pol.is's formulas and thresholds.

Following Pol.is (Small et al. 2021; the math component's ``repness.clj`` and
``stats.clj``). For a group and a statement, with ``na``/``nd``/``ns`` the
agrees, disagrees and votes seen in the group and the same sums over all other
groups ("rest"):

* ``pa = (1 + na) / (2 + ns)`` (and ``pd``): agreement with a +1/+2 pseudocount;
* ``pat = 2 sqrt(ns + 1) ((na + 1) / (ns + 1) - 1/2)``: a one-proportion z-score;
* ``ra = pa / ((1 + na_rest) / (2 + ns_rest))``: how much likelier the group agrees;
* ``rat``: the two-proportion z-score of the group against the rest (+1 on each count);
* a statement is representative of a group when both z-scores of agree (or of
  disagree) exceed 1.2816 (significant at 90%, one-sided); each group gets at
  most five, ranked by ``repness x repness-test x p x p-test``, its best agreed
  statement first and agrees before disagrees; a group with none gets its
  single best statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

#: One-sided 90% significance for a z-score, as in Pol.is.
Z90 = 1.2816
PICK = 5


@dataclass(frozen=True)
class GroupCounts:
    """Agree, disagree and seen counts per group (rows) and statement (columns)."""

    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray


def group_counts(votes: Any, groups: np.ndarray, n_groups: int) -> GroupCounts:
    """Counts of the votes of each group's members (``groups[i]`` = -1: not in a group)."""
    from accord.engines.opinion import kernels
    from accord.engines.opinion.sparse import as_csr

    counts = kernels.vote_counts(as_csr(votes), groups, n_groups)
    return GroupCounts(agree=counts[0], disagree=counts[1], seen=counts[2])


def prop_test(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Pol.is's one-proportion z-score against 1/2, with +1 on both counts."""
    s, n = successes + 1.0, trials + 1.0
    return np.asarray(2.0 * np.sqrt(n) * (s / n - 0.5))


def two_prop_test(s_in: np.ndarray, s_out: np.ndarray, n_in: np.ndarray, n_out: np.ndarray) -> np.ndarray:
    """Pol.is's two-proportion z-score of a group against the rest, with +1 on every count (0 if undefined)."""
    s1, s2, n1, n2 = s_in + 1.0, s_out + 1.0, n_in + 1.0, n_out + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    return np.divide(s1 / n1 - s2 / n2, spread, out=np.zeros_like(pooled), where=spread > 0)


@dataclass(frozen=True)
class RepStats:
    """Every repness statistic, shape (groups, statements)."""

    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray


def rep_stats(counts: GroupCounts) -> RepStats:
    """Pol.is's per-group statistics and comparisons with the other groups."""
    na, nd, ns = (x.astype(np.float64) for x in (counts.agree, counts.disagree, counts.seen))
    rest_a, rest_d, rest_s = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (1.0 + na) / (2.0 + ns), (1.0 + nd) / (2.0 + ns)
    return RepStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
        ra=pa / ((1.0 + rest_a) / (2.0 + rest_s)),
        rd=pd / ((1.0 + rest_d) / (2.0 + rest_s)),
        rat=two_prop_test(na, rest_a, ns, rest_s),
        rdt=two_prop_test(nd, rest_d, ns, rest_s),
    )


@dataclass(frozen=True)
class Representative:
    """A statement representative of a group (Pol.is's finalised comment stats)."""

    statement: int
    """Column index of the statement."""
    repful_for: str
    """``agree`` or ``disagree``: which way the group stands out."""
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False

    @property
    def metric(self) -> float:
        return self.repness * self.repness_test * self.p_success * self.p_test


def _finalise(st: RepStats, g: int, j: int, best_agree: bool = False) -> Representative:
    agree = bool(st.rat[g, j] > st.rdt[g, j])
    return Representative(
        statement=j,
        repful_for="agree" if agree else "disagree",
        n_success=int(st.na[g, j] if agree else st.nd[g, j]),
        n_trials=int(st.ns[g, j]),
        p_success=float(st.pa[g, j] if agree else st.pd[g, j]),
        p_test=float(st.pat[g, j] if agree else st.pdt[g, j]),
        repness=float(st.ra[g, j] if agree else st.rd[g, j]),
        repness_test=float(st.rat[g, j] if agree else st.rdt[g, j]),
        best_agree=best_agree,
    )


def _best_agree(st: RepStats, g: int) -> int | None:
    """Pol.is's running choice of the group's best agreed statement (column order)."""
    best: int | None = None
    for j in range(st.na.shape[1]):
        if st.na[g, j] == 0 and st.nd[g, j] == 0:
            continue
        if best is not None and st.ra[g, best] > 1.0:
            better = st.ra[g, j] * st.rat[g, j] * st.pa[g, j] * st.pat[g, j] > (
                st.ra[g, best] * st.rat[g, best] * st.pa[g, best] * st.pat[g, best]
            )
        elif best is not None:
            better = st.pa[g, j] * st.pat[g, j] > st.pa[g, best] * st.pat[g, best]
        else:
            better = bool(st.pat[g, j] > Z90 or (st.ra[g, j] > 1.0 and st.pa[g, j] > 0.5))
        if better:
            best = j
    return best


def select_representative(st: RepStats, pick: int = PICK) -> list[list[Representative]]:
    """The representative statements of each group, in Pol.is's order (see the module docstring)."""
    out: list[list[Representative]] = []
    passes = ((st.rat > Z90) & (st.pat > Z90)) | ((st.rdt > Z90) & (st.pdt > Z90))
    for g in range(st.na.shape[0]):
        agree_j = _best_agree(st, g)
        head = [_finalise(st, g, agree_j, best_agree=True)] if agree_j is not None else []
        sufficient = [int(j) for j in np.flatnonzero(passes[g])]
        if not sufficient:
            if not head and st.na.shape[1]:
                j = int(np.argmax(np.maximum(st.rat[g], st.rdt[g])))
                head = [_finalise(st, g, j)]
            out.append(head)
            continue
        ranked = sorted((_finalise(st, g, j) for j in sufficient if j != agree_j), key=lambda r: -r.metric)
        chosen = (head + ranked)[:pick]
        out.append([r for r in chosen if r.repful_for == "agree"] + [r for r in chosen if r.repful_for != "agree"])
    return out
