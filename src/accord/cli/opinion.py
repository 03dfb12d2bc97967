"""``accord opinion``: opinion groups, representative statements, consensus and bridging of many participants.

Imports stay inside the command so that ``accord`` starts fast: a user's whole
wait is the import, the read and the pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from accord.cli.app import app, err, fail, out

if TYPE_CHECKING:
    from accord.engines.opinion.pipeline import OpinionResult

#: Above this many votes (or bytes of input) a progress bar is shown on a terminal.
LONG_RUN = 1_000_000


@app.command("opinion")
def opinion_command(
    path: Annotated[
        Path,
        typer.Argument(help="A Pol.is export folder (votes.csv or participants-votes.csv), or a stance CSV/JSON file."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON on stdout.")] = False,
    bridging: Annotated[
        bool, typer.Option("--bridging/--no-bridging", help="Compute bridging scores (Community Notes' model).")
    ] = True,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Also write a self-contained HTML opinion report (opinion map, groups, consensus, bridging) "
            "into this folder as opinion.html.",
        ),
    ] = None,
) -> None:
    """Opinion groups (Pol.is's pipeline), representative statements, consensus and bridging statements."""
    import json
    import sys

    from accord.errors import AccordError

    try:
        result, payload = _analyse(path, bridging)
        report = _write_report(result, payload, path, out_dir) if out_dir is not None else None
    except AccordError as error:
        fail(error)
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        _summary(result, payload)
    if report is not None:
        (err if as_json else out).print(f"Report: [bold]{report}[/]")


def _write_report(result: OpinionResult, payload: dict[str, Any], path: Path, out_dir: Path) -> Path:
    """The opinion report (the main report's opinion section on a page of its own) in ``out_dir``."""
    from accord.errors import AccordError
    from accord.report.html import write_opinion_report
    from accord.report.opinion import opinion_section

    section = opinion_section(result, payload)
    try:
        return write_opinion_report(section, out_dir, f"Opinion groups: {path.resolve().name}")
    except OSError as error:
        raise AccordError(f"cannot write the opinion report into {out_dir}: {error}") from error


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.glob("*.csv"))
    return path.stat().st_size if path.exists() else 0


def _analyse(path: Path, bridging: bool) -> tuple[OpinionResult, dict[str, Any]]:
    from accord.engines.opinion.output import result_json
    from accord.engines.opinion.pipeline import run
    from accord.io.polis import read_opinion_input

    if not (err.is_terminal and _size(path) > LONG_RUN):  # no bar: rich.progress is not even imported
        result = run(read_opinion_input(path))
        return result, result_json(result, bridging=bridging)

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("reading votes", total=1)
        matrix = read_opinion_input(path, lambda done, total: bar.update(task, completed=done, total=max(total, 1)))
        bar.update(task, description="opinion groups", completed=0, total=5)
        result = run(matrix, progress=lambda done, total, what: bar.update(task, completed=done, description=what))
        bar.update(task, description="bridging and output", completed=4)
        payload = result_json(result, bridging=bridging)
    return result, payload


def _summary(result: OpinionResult, payload: dict[str, Any]) -> None:
    shape = payload["shape"]
    clustered = int(result.clustered.sum())
    out.print(
        f"[bold]{shape['participants']:,} participants x {shape['statements']:,} statements, "
        f"{shape['votes']:,} votes[/]: {clustered:,} clustered into {result.n_groups} groups"
    )
    for group in payload["groups"]:
        out.print(f"\n[bold]Group {group['id']}[/] ({group['size']:,} participants)")
        for rep in group["representative"][:5]:
            out.print(f"  {rep['direction']:8s} {rep['p_success']:.0%}  [{rep['id']}] {_short(rep['text'])}")
    if payload["consensus"]:
        out.print("\n[bold]Consensus[/]")
        for item in payload["consensus"]:
            out.print(f"  {item['direction']:8s} {item['p_success']:.0%}  [{item['id']}] {_short(item['text'])}")
    if payload["bridging"]:
        out.print("\n[bold]Bridging[/] (highest intercept first)")
        texts = dict(
            zip((s["id"] for s in payload["statements"]), (s["text"] for s in payload["statements"]), strict=True)
        )
        for item in payload["bridging"][:5]:
            out.print(f"  {item['intercept']:+.3f}  [{item['id']}] {_short(texts.get(item['id']))}")
    for note in payload["notes"]:
        out.print(f"\nnote: {note}")


def _short(text: str | None, width: int = 90) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
