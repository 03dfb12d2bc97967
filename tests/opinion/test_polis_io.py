"""Reading Pol.is exports and stance files: real conversations, the re-vote rule, moderation, every malformed case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from accord.engines.opinion.matrix import id_to_json
from accord.errors import InputError
from accord.io.polis import read_opinion_input, read_polis, read_polis_groups
from accord.io.stances_table import read_stances

COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"


def export(tmp_path: Path, votes: str | None = None, comments: str | None = None, wide: str | None = None) -> Path:
    folder = tmp_path / "conv"
    folder.mkdir(exist_ok=True)
    for name, text in (("votes.csv", votes), ("comments.csv", comments), ("participants-votes.csv", wide)):
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def standard_comments() -> str:
    return COMMENTS + "1,x,0,0,0,0,1,First\n1,x,1,0,0,0,0,Second\n1,x,2,0,0,0,-1,Moderated out\n"


def problem_of(error: pytest.ExceptionInfo[InputError]) -> tuple[str | None, int | None, str]:
    first = error.value.problems[0]
    return (Path(first.file).name if first.file else None), first.line, first.message


def cell(matrix: object, participant: int, statement: int) -> float:
    from accord.engines.opinion.matrix import VoteMatrix

    assert isinstance(matrix, VoteMatrix)
    p = int(np.flatnonzero(matrix.participants == participant)[0])
    s = int(np.flatnonzero(matrix.statements == statement)[0])
    return float(matrix.dense()[p, s])


# -- real exports ---------------------------------------------------------------------------------


def test_reads_vtaiwan_from_votes_csv(shared: Callable[[str], Path]) -> None:
    matrix = read_polis(shared("data/polis/vtaiwan.uberx"))
    assert matrix.shape[0] == 1921
    assert matrix.shape[1] == 197 - 78  # statements moderated out are dropped
    assert len(matrix.moderated_out) == 78
    assert set(np.unique(matrix.votes.data)) <= {-1, 0, 1}
    assert matrix.texts[0]


def test_reads_football_from_participants_votes_only(shared: Callable[[str], Path]) -> None:
    folder = shared("data/polis/football-concussions")
    assert not (folder / "votes.csv").exists()
    matrix = read_polis(folder)
    assert matrix.shape[0] == 1487
    assert matrix.n_votes > 10_000


def test_wide_file_with_xid_column(shared: Callable[[str], Path]) -> None:
    folder = shared("data/polis/london.youth.policing")
    matrix = read_polis(folder / "participants-votes.csv")
    assert matrix.shape == (26, 36)
    groups = read_polis_groups(folder)
    assert groups[1] == 1 and sum(g is None for g in groups.values()) == 2


def test_long_and_wide_files_agree(shared: Callable[[str], Path]) -> None:
    folder = shared("data/polis/brexit-consensus")
    long_matrix = read_polis(folder)
    wide = read_polis(folder / "participants-votes.csv")
    assert np.array_equal(long_matrix.participants, wide.participants)
    assert np.array_equal(long_matrix.dense(unseen=9), wide.dense(unseen=9))


# -- rules ----------------------------------------------------------------------------------------


def test_last_vote_wins_by_timestamp_then_file_order(tmp_path: Path) -> None:
    votes = VOTES + "20,x,0,7,1\n10,x,0,7,-1\n30,x,1,7,1\n30,x,1,7,-1\n5,x,1,8,0\n5,x,1,8,0\n"
    matrix = read_polis(export(tmp_path, votes, standard_comments()))
    assert cell(matrix, 7, 0) == 1  # the later timestamp wins though it comes first in the file
    assert cell(matrix, 7, 1) == -1  # same timestamp: the row further down wins
    assert cell(matrix, 8, 1) == 0  # exact duplicate rows are one vote (a pass is stored, not unseen)
    assert matrix.n_votes == 3


def test_moderated_out_statements_are_dropped_but_counted(tmp_path: Path) -> None:
    votes = VOTES + "1,x,0,7,1\n2,x,2,7,1\n3,x,2,8,-1\n4,x,1,8,1\n"
    matrix = read_polis(export(tmp_path, votes, standard_comments()))
    assert [id_to_json(s) for s in matrix.statements] == [0, 1]
    assert list(matrix.moderation) == [1, 0]
    assert matrix.moderated_out == (2,)
    assert list(np.asarray(matrix.moderated_votes)) == [1, 1]
    assert matrix.texts == ("First", "Second")


def test_columns_are_found_by_name_in_any_order(tmp_path: Path) -> None:
    votes = "vote,voter-id,comment-id\n1,5,0\n-1,6,1\n"
    matrix = read_polis(export(tmp_path, votes, standard_comments()))
    assert cell(matrix, 5, 0) == 1 and cell(matrix, 6, 1) == -1


# -- malformed exports ----------------------------------------------------------------------------


def test_missing_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, "timestamp,comment-id,vote\n1,0,1\n", standard_comments()))
    assert problem_of(error) == ("votes.csv", 1, "missing column 'voter-id'")


def test_missing_column_in_comments(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, VOTES + "1,x,0,1,1\n", "comment-id,comment-body\n0,a\n"))
    assert problem_of(error) == ("comments.csv", 1, "missing column 'moderated'")


def test_unknown_statement_id(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, VOTES + "1,x,0,1,1\n2,x,9,1,1\n", standard_comments()))
    assert problem_of(error) == ("votes.csv", 3, "unknown statement id 9")


def test_unknown_statement_column_in_wide_file(tmp_path: Path) -> None:
    wide = "participant,group-id,n-votes,0,1,5\n1,0,1,1,,\n"
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, None, standard_comments(), wide))
    assert problem_of(error) == ("participants-votes.csv", 1, "unknown statement id 5")


def test_vote_outside_range(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, VOTES + "1,x,0,1,1\n2,x,1,1,2\n", standard_comments()))
    assert problem_of(error) == ("votes.csv", 3, "vote must be -1, 0 or 1")
    assert error.value.problems[0].found == "'2'"


def test_vote_outside_range_in_wide_file(tmp_path: Path) -> None:
    wide = "participant,group-id,0,1\n1,0,1,\n2,1,,agree\n"
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, None, standard_comments(), wide))
    assert problem_of(error) == ("participants-votes.csv", 3, "vote on statement 1 must be -1, 0, 1 or empty")


def test_duplicate_participant_rows_in_wide_file(tmp_path: Path) -> None:
    wide = "participant,0,1\n1,1,\n1,-1,1\n"
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, None, standard_comments(), wide))
    assert problem_of(error) == ("participants-votes.csv", 3, "participant 1 appears twice")


def test_duplicate_statement_rows_in_comments(tmp_path: Path) -> None:
    comments = COMMENTS + "1,x,0,0,0,0,1,a\n1,x,0,0,0,0,1,b\n"
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, VOTES + "1,x,0,1,1\n", comments))
    assert problem_of(error) == ("comments.csv", 3, "statement 0 appears twice")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, "", standard_comments()))
    assert problem_of(error) == ("votes.csv", 1, "the file is empty")


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, VOTES, standard_comments()))
    assert problem_of(error) == ("votes.csv", 2, "no votes in the file")


def test_folder_without_vote_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_opinion_input(export(tmp_path, None, standard_comments()))
    assert "no Pol.is vote file" in problem_of(error)[2]


def test_every_problem_is_reported(tmp_path: Path) -> None:
    votes = VOTES + "1,x,0,1,7\n2,x,9,1,1\n3,x,1,,1\n"
    with pytest.raises(InputError) as error:
        read_polis(export(tmp_path, votes, standard_comments()))
    assert [p.line for p in error.value.problems] == [2, 3, 4]


# -- stance files ---------------------------------------------------------------------------------


def test_stance_csv(tmp_path: Path) -> None:
    path = tmp_path / "stances.csv"
    path.write_text("participant,statement,vote,text\nusa,p1,agree,One\npak,p1,-1,\npak,p2,pass,Two\n")
    matrix = read_opinion_input(path)
    assert list(matrix.participants) == ["pak", "usa"] and list(matrix.statements) == ["p1", "p2"]
    assert matrix.texts == ("One", "Two")
    assert matrix.dense(unseen=9).tolist() == [[-1, 0], [1, 9]]


def test_stance_json(tmp_path: Path) -> None:
    path = tmp_path / "stances.json"
    path.write_text(
        '{"votes": [{"participant": 1, "statement": "a", "vote": 1}], "statements": [{"id": "a", "text": "A"}]}'
    )
    matrix = read_stances(path)
    assert matrix.shape == (1, 1) and matrix.texts == ("A",)


def test_stance_duplicate_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "stances.csv"
    path.write_text("participant,statement,vote\nusa,p1,1\nusa,p1,-1\n")
    with pytest.raises(InputError) as error:
        read_stances(path)
    assert problem_of(error) == ("stances.csv", 3, "participant usa votes twice on statement p1")
    assert error.value.problems[0].found == "also at line 2"


def test_stance_bad_vote_and_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "stances.csv"
    path.write_text("participant,statement,vote\nusa,p1,maybe\n")
    with pytest.raises(InputError) as error:
        read_stances(path)
    assert problem_of(error) == ("stances.csv", 2, "vote must be -1, 0 or 1")
    path.write_text("participant,vote\nusa,1\n")
    with pytest.raises(InputError) as error:
        read_stances(path)
    assert problem_of(error) == ("stances.csv", 1, "missing column 'statement'")


def test_stance_json_errors(tmp_path: Path) -> None:
    path = tmp_path / "stances.json"
    path.write_text('[{"participant": 1, "statement": "a", "vote": 1},\n {"participant": 1}]')
    with pytest.raises(InputError) as error:
        read_stances(path)
    assert error.value.problems[0].loc == (1,)
    path.write_text("[\n{oops")
    with pytest.raises(InputError) as error:
        read_stances(path)
    assert error.value.problems[0].line == 2
