"""The ``accord`` command line: the default command analyses the brief's own case.

Every command reports bad input as a clear message naming the file, line and
field, and exits with status 1 (bad input) or 2 (bad usage), never with a
traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from accord import __version__
from accord.errors import AccordError, InputError
from accord.io import (
    default_scenario_path,
    dump_scenario,
    load_scenario,
    save_scenario,
    scenario_json_schema_text,
    template_path,
)
from accord.io.scenario_file import write_atomically
from accord.io.tables import TableKind, merge_table, read_table

app = typer.Typer(
    name="accord",
    help="Find common ground between parties and run the process that turns it into an arrangement.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

ScenarioArgument = Annotated[
    Path | None,
    typer.Argument(help="A scenario YAML file. Default: the brief's case shipped with accord.", show_default=False),
]


def fail(error: AccordError) -> NoReturn:
    """Print an error for the user (every problem of an input, one per line) and exit 1."""
    problems = error.problems if isinstance(error, InputError) else []
    if problems:
        err.print(f"[bold red]error:[/] {len(problems)} problem{'s' * (len(problems) != 1)} found", markup=True)
        for problem in problems:
            err.print(f"  {problem}", markup=False)
    else:
        err.print(f"[bold red]error:[/] {error}", markup=True)
    raise typer.Exit(1)


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Print accord's version and exit.")] = False,
) -> None:
    """accord: common assessment, convergence of interests and the process that delivers them."""
    if version:
        out.print(f"accord {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())


@app.command()
def analyze(
    scenario: ScenarioArgument = None,
    parties: Annotated[
        str | None,
        typer.Option(
            "--parties",
            help="Comma-separated parties (ids, names or aliases such as Washington). Default: the scenario's "
            "default parties (for the brief's case, the four-way convergence).",
        ),
    ] = None,
    variant: Annotated[str | None, typer.Option("--variant", help="Apply a named variant first.")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write report.html (and report.pdf).")] = Path(
        "accord-report"
    ),
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print the report to PDF (needs Chromium).")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the results as JSON on stdout instead of the summary.")
    ] = False,
) -> None:
    """Lay the parties' readings side by side: common ground, divergence, misperceptions, map, steps."""
    from accord.engines.assessment import assess
    from accord.report import write_report
    from accord.report.terminal import print_summary

    try:
        loaded = load_scenario(scenario or default_scenario_path())
        if variant:
            loaded = loaded.with_variant(_variant_id(loaded.variants, variant))
        chosen = [p.strip() for p in parties.split(",") if p.strip()] if parties is not None else None
        assessment = assess(loaded, chosen)
        files = write_report(loaded, assessment, out_dir, pdf=pdf)
    except AccordError as error:
        fail(error)
    if as_json:
        payload = assessment.to_dict()
        payload["report"] = {"html": str(files.html), "pdf": str(files.pdf) if files.pdf else None}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    print_summary(out, loaded, assessment)
    out.print(f"\nReport: [bold]{files.html}[/]" + (f"  PDF: [bold]{files.pdf}[/]" if files.pdf else ""))


def _variant_id(variants: list[object], wanted: str) -> str:
    ids = [getattr(v, "id", "") for v in variants]
    if wanted not in ids:
        raise AccordError(f"no variant {wanted!r} in this scenario (known: {', '.join(ids) or 'none'})")
    return wanted


@app.command()
def validate(scenario: Annotated[Path, typer.Argument(help="The scenario YAML file to check.")]) -> None:
    """Check a scenario file and report every problem at once (exit 1 if there is one)."""
    try:
        loaded = load_scenario(scenario)
    except AccordError as error:
        fail(error)
    out.print(
        f"[green]ok[/] {scenario}: {len(loaded.actors)} actors, {len(loaded.issues)} issues, "
        f"{len(loaded.propositions)} propositions, {len(loaded.positions)} positions, "
        f"{len(loaded.stances)} stances, {len(loaded.perceptions)} perceptions"
    )


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the template scenario.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write an annotated template scenario to start from."""
    if path.exists() and not force:
        fail(AccordError(f"{path} already exists: choose another path or pass --force to overwrite it"))
    write_atomically(path, template_path().read_text(encoding="utf-8"))
    out.print(f"Wrote {path}. Edit it, then run: accord validate {path}")


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of scenario files."""
    text = scenario_json_schema_text()
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomically(output, text)


@app.command("import-table")
def import_table(
    table: Annotated[Path, typer.Argument(help="A CSV table of actors or positions.")],
    into: Annotated[Path, typer.Option("--into", help="The scenario file to merge the rows into.")],
    kind: Annotated[
        str | None, typer.Option("--kind", help="actors or positions (default: told by the header).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the result here instead of updating --into.")
    ] = None,
) -> None:
    """Merge a CSV table of actors or positions into a scenario file (rows replace records they match)."""
    if kind not in (None, "actors", "positions"):
        err.print(f"[bold red]error:[/] --kind must be actors or positions, not {kind!r}")
        raise typer.Exit(2)
    table_kind: TableKind | None = "actors" if kind == "actors" else "positions" if kind == "positions" else None
    try:
        loaded = load_scenario(into)
        rows = read_table(table, table_kind)
        merged = merge_table(loaded, rows, str(table))
        target = save_scenario(merged, output or into)
    except AccordError as error:
        fail(error)
    count = len(rows.actors) + len(rows.positions)
    out.print(f"Merged {count} {rows.kind} from {table} into {target}")


@app.command()
def show(scenario: ScenarioArgument = None) -> None:
    """Print a scenario as accord reads it (canonical YAML), e.g. to see the default scenario."""
    try:
        loaded = load_scenario(scenario or default_scenario_path())
    except AccordError as error:
        fail(error)
    sys.stdout.write(dump_scenario(loaded))


def main() -> None:
    """Console entry point."""
    app()
