"""The pipeline's result as plain JSON-ready data (what ``accord opinion --json`` prints)."""

from __future__ import annotations

from typing import Any

import numpy as np

from accord.engines.opinion.matrix import id_to_json
from accord.engines.opinion.pipeline import OpinionResult

#: How many statements the group-informed consensus list keeps.
TOP = 10


def _round(value: float) -> float:
    return float(round(float(value), 6))


def bridging_records(result: OpinionResult) -> tuple[list[dict[str, Any]], str | None]:
    """Bridging scores from :func:`accord.engines.opinion.bridging.bridging_scores`, or [] and why not."""
    try:
        from accord.engines.opinion.bridging import bridging_scores
    except ImportError:
        return [], "bridging scores are not available in this installation"
    matrix = result.matrix
    statement_ids = [id_to_json(s) for s in matrix.statements]
    fitted = bridging_scores(matrix.votes, statement_ids=statement_ids)
    texts = dict(zip(statement_ids, matrix.texts, strict=True))
    records = fitted.records()
    for record in records:
        record["text"] = texts.get(record["id"])
    return records, None


def result_json(result: OpinionResult, bridging: bool = True, participants: bool = True) -> dict[str, Any]:
    """``{"participants", "groups", "consensus", "bridging", ...}`` for the JSON output."""
    matrix = result.matrix
    sid = [id_to_json(s) for s in matrix.statements]
    text = matrix.texts
    proj = result.projection.participants
    notes = list(result.notes)
    out: dict[str, Any] = {
        "source": matrix.source,
        "shape": {"participants": matrix.shape[0], "statements": matrix.shape[1], "votes": matrix.n_votes},
    }
    if participants:
        out["participants"] = [
            {"id": id_to_json(pid), "group": int(g) if g >= 0 else None, "x": _round(x), "y": _round(y)}
            for pid, g, (x, y) in zip(matrix.participants, result.groups.tolist(), proj.tolist(), strict=True)
        ]
    sizes = np.bincount(result.groups[result.groups >= 0], minlength=result.n_groups)
    out["groups"] = [
        {
            "id": g,
            "size": int(sizes[g]),
            "representative": [
                {
                    "id": sid[r.statement],
                    "text": text[r.statement],
                    "direction": r.repful_for,
                    "n_success": r.n_success,
                    "n_trials": r.n_trials,
                    "p_success": _round(r.p_success),
                    "p_test": _round(r.p_test),
                    "repness": _round(r.repness),
                    "repness_test": _round(r.repness_test),
                    "best_agree": r.best_agree,
                }
                for r in result.representative[g]
            ],
        }
        for g in range(result.n_groups)
    ]
    out["silhouettes"] = {str(k): _round(v) for k, v in sorted(result.silhouettes.items())}
    out["consensus"] = [
        {
            "id": sid[c.statement],
            "text": text[c.statement],
            "direction": c.direction,
            "n_success": c.n_success,
            "n_trials": c.n_trials,
            "p_success": _round(c.p_success),
            "p_test": _round(c.p_test),
        }
        for c in result.consensus
    ]
    order = np.lexsort((np.arange(len(sid)), -result.consensus_agree))[:TOP]
    out["group_informed_consensus"] = [
        {
            "id": sid[j],
            "text": text[j],
            "agree": _round(result.consensus_agree[j]),
            "disagree": _round(result.consensus_disagree[j]),
        }
        for j in order.tolist()
    ]
    if bridging:
        records, why = bridging_records(result)
        out["bridging"] = records
        if why:
            notes.append(why)
    else:
        out["bridging"] = []
        notes.append("bridging scores were not computed (asked not to)")
    extremity = result.projection.extremity
    out["statements"] = [
        {
            "id": sid[j],
            "text": text[j],
            "moderation": int(matrix.moderation[j]),
            "x": _round(x),
            "y": _round(y),
            "extremity": _round(extremity[j]),
            "priority": _round(result.priority[j]),
        }
        for j, (x, y) in enumerate(result.projection.statements.tolist())
    ]
    out["moderated_out"] = list(matrix.moderated_out)
    out["notes"] = notes
    return out
