"""Same votes, same groups: two runs, a run in a fresh process (a restart), and an incremental update."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from accord.engines.opinion import OpinionResult, VoteMatrix, merge_votes, run, update, vote_matrix_from_triples
from accord.engines.opinion.synthetic import planted
from accord.io.polis import read_comments, read_polis, read_votes_long

CONVERSATION = "data/polis/vtaiwan.uberx"


def same_result(a: OpinionResult, b: OpinionResult) -> None:
    assert np.array_equal(a.matrix.participants, b.matrix.participants)
    assert np.array_equal(a.groups, b.groups)
    assert np.array_equal(a.projection.participants, b.projection.participants)
    assert a.silhouettes == b.silhouettes
    assert a.representative == b.representative
    assert a.consensus == b.consensus
    assert np.array_equal(a.consensus_agree, b.consensus_agree)
    assert np.array_equal(a.priority, b.priority)


def test_two_runs_give_identical_results(shared: Callable[[str], Path]) -> None:
    matrix = read_polis(shared(CONVERSATION))
    same_result(run(matrix), run(matrix))
    same_result(run(matrix), run(read_polis(shared(CONVERSATION))))


def test_a_fresh_process_gives_identical_groups(shared: Callable[[str], Path]) -> None:
    folder = shared(CONVERSATION)
    script = (
        "import json, sys\n"
        "from accord.io.polis import read_polis\n"
        "from accord.engines.opinion import run, groups_by_id\n"
        "r = run(read_polis(sys.argv[1]))\n"
        "print(json.dumps({str(k): v for k, v in groups_by_id(r).items()}))\n"
    )
    here = run(read_polis(folder))
    expected = {
        str(pid): (int(g) if g >= 0 else None) for pid, g in zip(here.matrix.participants, here.groups, strict=True)
    }
    for hash_seed in ("0", "12345"):
        done = subprocess.run(
            [sys.executable, "-c", script, str(folder)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": hash_seed, "PATH": ""},
        )
        assert json.loads(done.stdout) == expected


def test_file_order_does_not_matter(tmp_path: Path, shared: Callable[[str], Path]) -> None:
    folder = shared("data/polis/brexit-consensus")
    copy = tmp_path / "brexit"
    copy.mkdir()
    (copy / "comments.csv").write_text((folder / "comments.csv").read_text(encoding="utf-8"), encoding="utf-8")
    header, *rows = (folder / "votes.csv").read_text(encoding="utf-8").splitlines()
    (copy / "votes.csv").write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    same_result(run(read_polis(folder)), run(read_polis(copy)))


def test_incremental_update_equals_a_run_from_scratch(shared: Callable[[str], Path]) -> None:
    folder = shared(CONVERSATION)
    texts, moderation = read_comments(folder / "comments.csv")
    p, s, v, t = read_votes_long(folder / "votes.csv", moderation)
    stamps = np.array(t)
    cut = np.quantile(stamps, 0.7)
    out = [k for k, m in moderation.items() if m == -1]
    kept = sorted(k for k, m in moderation.items() if m != -1)

    def part(mask: np.ndarray) -> VoteMatrix:
        index = np.flatnonzero(mask)
        return vote_matrix_from_triples(
            np.array(p, dtype=object)[index],
            np.array(s, dtype=object)[index],
            np.array(v)[index],
            order=stamps[index],
            statements=kept,
            texts=texts,
            moderation=moderation,
            moderated_out=out,
            source=str(folder),
        )

    early, late = part(stamps <= cut), part(stamps > cut)
    state = run(early)
    updated = update(state, late)
    scratch = run(read_polis(folder))
    same_result(updated, scratch)
    assert update(updated, late) is updated  # nothing new: the state is kept as it is


def test_revotes_in_an_update_replace_earlier_votes() -> None:
    data = planted(300, 30, 15, seed=4)
    matrix = data.matrix
    rows, cols, values = matrix.triples()
    flip = np.arange(0, len(rows), 7)
    revotes = vote_matrix_from_triples(matrix.participants[rows[flip]], matrix.statements[cols[flip]], -values[flip])
    merged = merge_votes(matrix, revotes)
    expected_values = values.copy()
    expected_values[flip] = -values[flip]
    scratch = vote_matrix_from_triples(matrix.participants[rows], matrix.statements[cols], expected_values)
    assert np.array_equal(merged.votes.toarray(), scratch.votes.toarray())
    same_result(update(run(matrix), revotes), run(scratch))
