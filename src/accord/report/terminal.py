"""The readable summary ``accord analyze`` prints in the terminal (Rich tables)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from accord.engines.assessment import Assessment, PropositionResult
from accord.engines.bargaining.scenario_forecast import ScenarioForecast
from accord.engines.opinion.statement import DraftStatement
from accord.model import Scenario


def print_summary(
    console: Console,
    scenario: Scenario,
    assessment: Assessment,
    top: int = 5,
    principles: DraftStatement | None = None,
    forecast: ScenarioForecast | None = None,
) -> None:
    """Headline results: provenance, common ground, splits and cruxes, misperceptions, settlement
    forecasts (when given), the draft statement of principles (when given), steps."""
    names = {a.id: a.name for a in scenario.actors}
    console.print(f"[bold]{scenario.title}[/] (as of {scenario.as_of})")
    console.print("Parties: " + ", ".join(names[p] for p in assessment.parties))

    provenance = Table(title="Where the values come from", title_justify="left")
    provenance.add_column("party")
    for kind in ("declared", "attributed", "estimated"):
        provenance.add_column(kind, justify="right")
    provenance.add_column("sources")
    for share in assessment.provenance:
        sources = ", ".join(f"{s} {n}" for s, n in sorted(share.by_source.items(), key=lambda kv: -kv[1]))
        provenance.add_row(
            names[share.party],
            *(str(share.by_kind.get(k, 0)) for k in ("declared", "attributed", "estimated")),
            sources,
        )
    console.print(provenance)

    convergence = assessment.convergence
    _propositions(console, "Common ground: every party accepts", convergence.agreed)
    _propositions(console, "Every party rejects", convergence.rejected)
    cruxes = Table(title="Cruxes: what separates the parties most", title_justify="left")
    cruxes.add_column("proposition")
    cruxes.add_column("separation", justify="right")
    cruxes.add_column("stances")
    for crux in assessment.cruxes[:top]:
        stances = ", ".join(f"{p} {_stance(v)}" for p, v in crux.stances.items())
        cruxes.add_row(crux.text, f"{crux.separation:.2f}", stances)
    console.print(cruxes)
    console.print(
        f"{len(convergence.split)} propositions split the parties; "
        f"{len(convergence.gaps)} have a stance nobody has sourced (gaps)."
    )

    gaps = Table(title="Largest misperceptions", title_justify="left")
    for column in ("observer", "observed", "item", "perceived", "actual", "gap"):
        gaps.add_column(column, justify="right" if column in ("perceived", "actual", "gap") else "left")
    for m in assessment.misperceptions[:top]:
        gaps.add_row(
            m.observer, m.observed, m.item, f"{m.perceived:g}", f"{m.actual:g} ({m.actual_kind})", f"{m.gap:+g}"
        )
    console.print(gaps)

    if forecast is not None:
        print_forecast(console, forecast)

    if principles is not None:
        _principles(console, principles)

    steps: dict[str, int] = {}
    for step in scenario.steps:
        steps[step.status.value] = steps.get(step.status.value, 0) + 1
    if steps:
        console.print("Steps: " + ", ".join(f"{n} {status}" for status, n in steps.items()))


#: Short column headings of the models in the compact forecast table.
SHORT_MODEL_NAMES = {"compromise": "compr.", "expected-utility": "EU", "exchange": "exch."}


def print_forecast(console: Console, forecast: ScenarioForecast) -> None:
    """One compact table: per issue, each model's forecast [80% band], each variant's shift, the outcomes."""
    models = forecast.models
    short = {variant: variant[:1] for variant in forecast.variants}
    if len(set(short.values())) < len(short):
        short = {variant: variant for variant in forecast.variants}
    runs = f"{forecast.runs} runs, seed {forecast.seed}" if forecast.runs else "point forecasts, no runs"
    legend = ", ".join(f"{label} = shift under {variant}" for variant, label in short.items())
    names = ", ".join(f"{SHORT_MODEL_NAMES[m]} = {m}" for m in models if m in SHORT_MODEL_NAMES)
    caption = (
        "forecast [80% band]"
        + (f"; {legend}" if legend else "")
        + "; outcome: recorded value and date"
        + (f"; {names}" if names else "")
    )
    table = Table(
        title=f"Settlement forecasts ({runs})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 0, 0, 1),
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("issue", overflow="fold", min_width=12)
    for model in models:
        table.add_column(SHORT_MODEL_NAMES.get(model, model), justify="right", no_wrap=True, min_width=7)
    table.add_column("outcome", justify="right", no_wrap=True, min_width=10)
    payload = forecast.to_dict()["issues"]
    for issue_id, issue in payload.items():
        row = [issue_id]
        for model in models:
            entry = issue["forecasts"][model]
            band = entry["band"]
            lines = [f"{entry['forecast']:.1f}", f"[{band['low']:.0f}-{band['high']:.0f}]" if band else "[-]"]
            for variant, label in short.items():
                lines.append(f"{label}{issue['variants'][variant][model]['shift']:+.1f}")
            row.append("\n".join(lines))
        outcomes = [f"{o['value']:g}\n{o['date']}" for o in issue["outcomes"]]
        row.append("\n".join(outcomes) or "-")
        table.add_row(*row)
    console.print(table)
    console.print(f"[dim]{caption}[/]")
    for model, reason in forecast.skipped.items():
        console.print(f"[dim]no forecast from {model}: {reason}[/]")


def _propositions(console: Console, title: str, results: list[PropositionResult]) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("proposition")
    table.add_column("score", justify="right")
    table.add_column("source")
    for result in results:
        table.add_row(result.text, f"{result.score:+.2f}" if result.score is not None else "-", result.source)
    if not results:
        table.add_row("(none)", "", "")
    console.print(table)


def _principles(console: Console, draft: DraftStatement) -> None:
    table = Table(title=draft.title, title_justify="left")
    table.add_column("topic")
    table.add_column("principle")
    table.add_column("support", overflow="fold")
    for section in draft.sections:
        for line in section.lines:
            table.add_row(section.topic, line.text, line.citation().strip("[]"))
    if not draft.sections:
        table.add_row("", "(no proposition is accepted by every party)", "")
    console.print(table)
    if draft.excluded:
        console.print(f"{len(draft.excluded)} propositions left out of the draft (see the report for why).")


def _stance(value: float | None) -> str:
    return "?" if value is None else f"{value:+.1f}"
