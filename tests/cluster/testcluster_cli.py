"""Running scripts/testcluster from the tests."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "testcluster"
# A cold build of kube-apiserver & co. on 2 shared cores takes tens of minutes.
UP_TIMEOUT_S = int(os.environ.get("TESTCLUSTER_UP_TIMEOUT", "3600"))


def run_script(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def state_dir_of(env: dict | None = None) -> Path:
    env = {**os.environ, **(env or {})}
    return Path(env.get("TESTCLUSTER_STATE") or f"/tmp/jupyterlab-tekton-testcluster-{os.getuid()}")
