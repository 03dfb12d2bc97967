"""KTAB's SMP switches, under the names KTAB publishes them (its XML ``ModelParameters``).

Each switch is one keyword of :class:`~accord.engines.bargaining.spatial.SpatialModel`;
its values are KTAB's own spellings (``smpSchema.xsd`` and ``kmodel.h``), matched
case-insensitively, so a KTAB scenario's parameters can be passed through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.engines.bargaining.problem import ModelInputError

#: keyword -> KTAB's values, in KTAB's enum order. The first value of each is not
#: necessarily KTAB's default: see :data:`DEFAULTS`.
CHOICES: dict[str, tuple[str, ...]] = {
    "victory_prob_model": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "pce_model": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "state_transitions": ("Deterministic", "Stochastic"),
    "voting_rule": ("Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"),
    "big_r_adjust": ("None", "OneThird", "Half", "TwoThirds", "Full"),
    "big_r_range": ("Min", "Mid", "Max"),
    "third_party_commit": ("NoCommit", "SemiCommit", "FullCommit"),
    "inter_vec_brgn": ("S1P1", "S2P2", "S2PMax"),
    "bargn_model": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}

#: KTAB's defaults (``SMPModel`` and ``Model`` member initialisers): what ``smpc`` uses on a CSV input.
DEFAULTS: dict[str, str] = {
    "victory_prob_model": "Linear",
    "pce_model": "Conditional",
    "state_transitions": "Deterministic",
    "voting_rule": "Prop",
    "big_r_adjust": "OneThird",
    "big_r_range": "Mid",
    "third_party_commit": "SemiCommit",
    "inter_vec_brgn": "S2P2",
    "bargn_model": "InitOnlyInterp",
}

#: Other spellings KTAB accepts in one place or another (the schema says ``Proportional``
#: and ``No`` where the code says ``Prop`` and ``None``).
ALIASES: dict[str, dict[str, str]] = {
    "voting_rule": {"proportional": "Prop"},
    "big_r_adjust": {"no": "None", "nora": "None"},
}

#: KTAB's XML element name for each keyword.
XML_TAGS: dict[str, str] = {
    "victory_prob_model": "VictoryProbModel",
    "pce_model": "PCEModel",
    "state_transitions": "StateTransitions",
    "voting_rule": "VotingRule",
    "big_r_adjust": "BigRAdjust",
    "big_r_range": "BigRRange",
    "third_party_commit": "ThirdPartyCommit",
    "inter_vec_brgn": "InterVecBrgn",
    "bargn_model": "BargnModel",
}


def canonical(keyword: str, value: str) -> str:
    """KTAB's spelling of ``value`` for switch ``keyword``, or a :class:`ModelInputError` listing the choices."""
    choices = CHOICES[keyword]
    text = str(value).strip()
    for choice in choices:
        if choice.lower() == text.lower():
            return choice
    alias = ALIASES.get(keyword, {}).get(text.lower())
    if alias is not None:
        return alias
    raise ModelInputError(f"{keyword} is {value!r}; expected one of {', '.join(choices)} (KTAB's names)")


@dataclass(frozen=True)
class SmpOptions:
    """One SMP configuration: KTAB's nine switches and its stopping rule.

    The stopping rule is KTAB's ``smpStopFn`` as ``smpc`` configures it: stop after
    ``max_turns``, or once at least ``min_turns`` have run and the last turn moved the
    actors less than ``min_delta_ratio`` times the first turn's move (sum over actors
    of the Euclidean distance each moved, on the unit scale, plus ``1e-4`` on the first).
    """

    victory_prob_model: str = DEFAULTS["victory_prob_model"]
    pce_model: str = DEFAULTS["pce_model"]
    state_transitions: str = DEFAULTS["state_transitions"]
    voting_rule: str = DEFAULTS["voting_rule"]
    big_r_adjust: str = DEFAULTS["big_r_adjust"]
    big_r_range: str = DEFAULTS["big_r_range"]
    third_party_commit: str = DEFAULTS["third_party_commit"]
    inter_vec_brgn: str = DEFAULTS["inter_vec_brgn"]
    bargn_model: str = DEFAULTS["bargn_model"]
    min_turns: int = 2
    max_turns: int = 100
    min_delta_ratio: float = 0.02
    receiver_estimate: str = "ktab"
    """``ktab`` reproduces KTAB's receiver-side bargain, which passes the receiver's estimate of the
    initiator's expected *gain* where a probability is meant; ``probability`` passes the probability."""
    backend: str = "auto"
    """``numba`` kernels (when installed: ``auto``) or plain ``numpy``; the same results up to round-off."""

    def __post_init__(self) -> None:
        for keyword in CHOICES:
            object.__setattr__(self, keyword, canonical(keyword, getattr(self, keyword)))
        if self.receiver_estimate not in ("ktab", "probability"):
            raise ModelInputError(f"receiver_estimate is {self.receiver_estimate!r}; expected 'ktab' or 'probability'")
        if self.backend not in ("auto", "numba", "numpy"):
            raise ModelInputError(f"backend is {self.backend!r}; expected 'auto', 'numba' or 'numpy'")
        if not (isinstance(self.min_turns, int) and isinstance(self.max_turns, int) and self.min_turns >= 1):
            raise ModelInputError(f"min_turns is {self.min_turns!r}; expected a whole number of at least 1")
        if self.max_turns < self.min_turns:
            raise ModelInputError(f"max_turns is {self.max_turns}; expected at least min_turns ({self.min_turns})")
        if not self.min_delta_ratio >= 0:
            raise ModelInputError(f"min_delta_ratio is {self.min_delta_ratio!r}; expected a number >= 0")

    @property
    def fast(self) -> bool:
        """Whether the numba kernels run (see :func:`accord.engines.bargaining.spatial.fast.use_numba`)."""
        from accord.engines.bargaining.spatial.fast import use_numba

        return use_numba(self.backend)

    @property
    def stochastic(self) -> bool:
        """Whether each actor's bargain is drawn from the PCE distribution rather than taken as its mode."""
        return self.state_transitions == "Stochastic"
