"""Scenario commands: analyze (the main job), validate, init, show, schema, import-table."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from accord.cli.app import ScenarioArgument, app, err, fail, out, usage_error
from accord.engines.bargaining.settings import REPORT_RUNS, REPORT_SEED
from accord.errors import AccordError

# Heavy imports (the model, the engines, the report) happen inside each command, so that
# every command starts quickly whichever one is run.
if TYPE_CHECKING:
    from accord.engines.bargaining import ScenarioForecast
    from accord.io.tables import TableKind
    from accord.model import Scenario, Variant


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
    runs: Annotated[
        int,
        typer.Option("--runs", min=0, help="Monte Carlo runs behind the forecasts' 80% bands (0: point forecasts)."),
    ] = REPORT_RUNS,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the Monte Carlo runs.")] = REPORT_SEED,
) -> None:
    """Lay the parties' readings side by side: common ground, divergence, misperceptions, map, settlement
    forecasts, a draft statement of principles, steps."""
    from accord.engines.assessment import assess
    from accord.engines.opinion.statement import draft_statement
    from accord.io import default_scenario_path, load_scenario
    from accord.report import write_report
    from accord.report.opinion import scenario_opinion
    from accord.report.terminal import print_summary

    try:
        loaded = load_scenario(scenario or default_scenario_path())
        if variant:
            loaded = loaded.with_variant(_variant_id(loaded.variants, variant))
        chosen = [p.strip() for p in parties.split(",") if p.strip()] if parties is not None else None
        assessment = assess(loaded, chosen)
        # the draft is for the chosen parties, else for those of the statement-of-principles step
        principles = draft_statement(loaded, chosen)
        forecast = _forecast(loaded, runs, seed, show_progress=not as_json)
        # the chosen parties' stances through the Pol.is pipeline: opinion map, consensus, bridging
        opinion = scenario_opinion(loaded, assessment.parties, assessment.options)
        files = write_report(
            loaded, assessment, out_dir, pdf=pdf, principles=principles, forecast=forecast, opinion=opinion
        )
    except AccordError as error:
        fail(error)
    if isinstance(forecast, AccordError):
        err.print(f"[yellow]no settlement forecast:[/] {forecast}", markup=True)
    if as_json:
        payload = assessment.to_dict()
        payload["principles"] = principles.to_dict()
        payload["forecast"] = None if isinstance(forecast, AccordError) else forecast.to_dict()
        payload["opinion"] = opinion.payload
        payload["report"] = {"html": str(files.html), "pdf": str(files.pdf) if files.pdf else None}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    print_summary(
        out, loaded, assessment, principles=principles, forecast=None if isinstance(forecast, AccordError) else forecast
    )
    out.print(f"\nReport: [bold]{files.html}[/]" + (f"  PDF: [bold]{files.pdf}[/]" if files.pdf else ""))


def _forecast(scenario: Scenario, runs: int, seed: int, *, show_progress: bool) -> ScenarioForecast | AccordError:
    """Every model's forecast of the scenario and its variants, for the report and the summary.

    A scenario the models cannot take (say, a party with positions but no capability) gives the error
    back, so that the rest of the analysis still runs and the report's forecast section says why.
    """
    from accord.cli.progress import MonteCarloBar
    from accord.engines.bargaining import forecast_scenario

    with MonteCarloBar(runs * (1 + len(scenario.variants)), show_progress and runs > 0) as progress:
        try:
            return forecast_scenario(scenario, runs=runs, seed=seed, progress=progress)
        except AccordError as error:
            return error


def _variant_id(variants: Sequence[Variant], wanted: str) -> str:
    ids = [v.id for v in variants]
    if wanted not in ids:
        raise AccordError(f"no variant {wanted!r} in this scenario (known: {', '.join(ids) or 'none'})")
    return wanted


@app.command()
def validate(scenario: Annotated[Path, typer.Argument(help="The scenario YAML file to check.")]) -> None:
    """Check a scenario file and report every problem at once (exit 1 if there is one)."""
    from accord.io import load_scenario

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
    from accord.io import template_path
    from accord.io.scenario_file import write_atomically

    if path.exists() and not force:
        fail(AccordError(f"{path} already exists: choose another path or pass --force to overwrite it"))
    write_atomically(path, template_path().read_text(encoding="utf-8"))
    out.print(f"Wrote {path}. Edit it, then run: accord validate {path}")


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of scenario files."""
    from accord.io import scenario_json_schema_text
    from accord.io.scenario_file import write_atomically

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
    from accord.io import load_scenario, save_scenario
    from accord.io.tables import merge_table, read_table

    if kind not in (None, "actors", "positions"):
        usage_error(f"--kind must be actors or positions, not {kind!r}")
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
    from accord.io import default_scenario_path, dump_scenario, load_scenario

    try:
        loaded = load_scenario(scenario or default_scenario_path())
    except AccordError as error:
        fail(error)
    sys.stdout.write(dump_scenario(loaded))
