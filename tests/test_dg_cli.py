"""`dg check defs`, the check Dagster users run first, loads the code location."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import PROJECT_ROOT


def test_dg_check_defs_loads_the_code_location(tmp_path: Path, empty_db: str) -> None:
    dg = Path(sys.executable).parent / "dg"
    # The code location derives its table assets from the desired state: on the test server.
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "DATABASE_URL": empty_db}
    result = subprocess.run(
        [str(dg), "check", "defs"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions loaded successfully" in result.stdout + result.stderr
