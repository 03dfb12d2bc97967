"""Writing results as CSV tables (JSON goes to stdout with ``--json``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from accord.io.scenario_file import write_atomically


def write_csv(rows: Sequence[Mapping[str, object]], path: Path) -> Path:
    """Write rows (all with the same keys, in order) as a CSV table with a header, atomically."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    write_atomically(path, buffer.getvalue())
    return path
