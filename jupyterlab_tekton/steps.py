"""The step contract seen from Python: where runner.py is and the environment a node gets.

`src/compiler/steps/runner.py` is the one implementation of "run a node" (Tekton's run
step calls it too). The wheel carries a copy at `jupyterlab_tekton/steps/runner.py`; a
source checkout (editable install) uses the original. The environment mirrors what the
compiler gives the Tekton run step (src/compiler/steps/README.md), so a notebook cannot
tell a local run from a pod, except for the paths.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

from .errors import Unavailable
from .models import IRNode, IRParameter, ParameterType, ParameterValue

_PACKAGED = Path(__file__).parent / "steps" / "runner.py"
_SOURCE = Path(__file__).resolve().parents[1] / "src" / "compiler" / "steps" / "runner.py"

# What runner.py says on stdout in prewarm mode (TEKTON_PREWARM=1) once its kernel is up.
READY_LINE = b"TEKTON_RUNNER_READY"
# The environment variable naming the descriptor where runner.py writes
# `DONE_LINE <exit code>` once the node's result is final, before its kernel stops
# (a pipe of its own: the kernel shares the runner's stdout, a notebook could print this).
DONE_FD = "TEKTON_DONE_FD"
DONE_LINE = b"TEKTON_RUNNER_DONE"

# The server's own variables that must not leak into a node's kernel.
_SERVER_ONLY = ("JPY_", "JUPYTER_SERVER_", "JUPYTERHUB_API_TOKEN", "KERNEL_LAUNCH_TIMEOUT")


def find_runner() -> Path:
    """runner.py from the installed package, else from the source tree."""
    for candidate in (_PACKAGED, _SOURCE):
        if candidate.is_file():
            return candidate
    raise Unavailable(
        "the node runner (runner.py) is not installed with jupyterlab_tekton; "
        "reinstall the package",
        reason="runner_missing",
    )


def parameter_text(parameter: IRParameter, value: ParameterValue) -> str | None:
    """A parameter value as Tekton passes it (a string); None = not set."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        # JavaScript's String(2.0) is "2": match what the compiled PipelineRun would carry.
        return str(int(value)) if parameter.type != ParameterType.Float else repr(value)
    return str(value)


def node_environment(
    node: IRNode,
    parameters: dict[str, tuple[IRParameter, ParameterValue]],
    *,
    workdir: Path,
    artifacts_dir: Path,
    runner: Path,
    run_prefix: str,
    python: str,
    base: dict[str, str] | None = None,
) -> dict[str, str]:
    """Environment of runner.py for one node: the user's session + the node's + the contract."""
    env = {
        k: v
        for k, v in (os.environ if base is None else base).items()
        if not k.startswith(_SERVER_ONLY)
    }
    # `!pip`, `python` etc. in a cell should find the interpreter that runs the node.
    bindir = str(Path(python).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "") if env.get("PATH") else bindir
    for var in node.env:
        env[var.name] = var.value
    used = [parameters[name] for name in node.parameters if name in parameters]
    env["TEKTON_PARAMETERS_SPEC"] = json.dumps(
        [{"name": p.name, "type": p.type.value} for p, _ in used]
    )
    for parameter, value in used:
        text = parameter_text(parameter, value)
        if text is None:
            env.pop(parameter.name, None)
        else:
            env[parameter.name] = text
    env.update(
        {
            "TEKTON_WORKDIR": str(workdir),
            "TEKTON_ARTIFACTS_DIR": str(artifacts_dir),
            "TEKTON_RUNNER": str(runner),
            "TEKTON_NODE_KIND": node.kind.value,
            "TEKTON_NODE_FILE": node_file(node),
            "TEKTON_TASK": node.task_name,
            "TEKTON_RUN_PREFIX": run_prefix,
            "TEKTON_OUTPUTS": "\n".join(node.outputs),
            "TEKTON_INPUTS_FROM": " ".join(node.inputs_from),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def node_file(node: IRNode) -> str:
    """The node file relative to its working directory (= relative to baseDir)."""
    base = node.base_dir.strip("/")
    file = node.file
    if base and file.startswith(base + "/"):
        return file[len(base) + 1 :]
    if not base:
        return file
    # The compiler guarantees file lies under baseDir; anything else is refused earlier.
    return Path(file).name
