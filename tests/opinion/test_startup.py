"""``accord opinion`` stays lean: a small input is analysed without importing scipy or numba.

A user's whole wait for ``accord opinion`` is mostly start-up; importing ``scipy.sparse`` alone
costs more than the pipeline on a typical Pol.is conversation, and numba only pays above
``kernels.NUMBA_THRESHOLD`` votes. This pins the lean path without timing anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_PROBE = """
import sys
sys.argv = ["accord", "opinion", sys.argv[1], "--json"]
from accord.cli import main
try:
    main()
    code = 0
except SystemExit as exit:
    code = exit.code or 0
heavy = ["scipy", "numba", "yaml", "rich.progress"]
print(json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}), file=sys.stderr)
"""


def test_small_input_imports_neither_scipy_nor_numba(tmp_path: Path) -> None:
    path = tmp_path / "stances.csv"
    rows = ["participant,statement,vote"] + [
        f"p{i},s{j},{(1, -1, 0)[(i * 7 + j * (1 + i % 3)) % 3]}" for i in range(40) for j in range(12)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + _PROBE, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    probe = json.loads(done.stderr.strip().splitlines()[-1])
    assert probe["code"] == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["shape"]["participants"] == 40 and payload["groups"] and payload["bridging"]
    assert "scipy" not in probe["loaded"] and "numba" not in probe["loaded"]
    assert probe["loaded"] == [], f"imported on the lean path: {probe['loaded']}"
