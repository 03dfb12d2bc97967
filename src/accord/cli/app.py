"""The shared Typer application, consoles and error printing used by every command module."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from accord import __version__
from accord.errors import AccordError, InputError

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


def usage_error(message: str) -> NoReturn:
    """Print a command-line usage error and exit 2."""
    err.print(f"[bold red]error:[/] {message}", markup=True)
    raise typer.Exit(2)


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
