"""The runner on its own: every engine for real, parameters, failures, scripts, R messages."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from steps_support import (HELPER_MODULE, PARAMETER_TYPES, PARAMETERS, TRICKY, code, code_cells,
                           joined, load_outputs, make_bare_venv, parameters_notebook, raising_notebook,
                           run_runner, runner_env, source, stream_text, validate_notebook,
                           write_notebook)

ENGINES = ["jupyter_client", "papermill", "nbclient", "ipython", "exec"]
STATUS_KEYS = {"engine", "exit_code", "started", "finished", "kind", "file", "kernel"}


@pytest.fixture
def workdir(tmp_path):
    w = tmp_path / "node"
    w.mkdir()
    return w


def check_parameters_run(workdir, artifacts, result, engine):
    nb, status, log = load_outputs(artifacts, "params.ipynb")
    assert result.returncode == 0, result.stdout
    validate_notebook(nb)
    assert status["engine"] == engine and status["exit_code"] == 0 and set(status) == STATUS_KEYS
    assert nb["metadata"]["tekton"]["engine"] == engine
    # Injected right after the cell tagged `parameters`, papermill-style.
    cells = nb["cells"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", [])]
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1 and injected == [tagged[0] + 1]
    assert "alpha = 42" in source(cells[injected[0]])
    # The notebook saw typed values, the tricky string unchanged, cwd = working dir.
    seen = json.loads((workdir / "seen.json").read_text())
    assert seen["alpha"] == 42 and seen["ratio"] == 2.5 and seen["flag"] is True and seen["name"] == TRICKY
    assert os.path.realpath(seen["cwd"]) == os.path.realpath(workdir)
    assert seen["env_alpha"] == "42"  # parameters are env vars too
    report = next(c for c in code_cells(nb) if "print('types'" in source(c))
    assert "types int float bool str" in stream_text(report, "stdout")
    assert "to stderr" in stream_text(report, "stderr")
    result_out = [o for o in report["outputs"] if o["output_type"] == "execute_result"]
    assert result_out and joined(result_out[0]["data"]["text/plain"]) == "84"
    helper = code_cells(nb)[-1]
    kinds = [o["output_type"] for o in helper["outputs"]]
    assert kinds == ["display_data", "execute_result"], helper["outputs"]
    assert "<b>shown</b>" in joined(helper["outputs"][0]["data"]["text/html"])
    assert joined(helper["outputs"][1]["data"]["text/plain"]) == "'from-helper'"
    assert all(c["execution_count"] for c in code_cells(nb))
    assert "types int float bool str" in log
    for name in ("pwned-dollar", "pwned-backtick"):
        assert not (workdir / name).exists() and not (workdir.parent / name).exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_runs_notebook_with_parameters(engine, workdir, tmp_path):
    src = parameters_notebook(workdir / "params.ipynb")
    (workdir / "helper.py").write_text(HELPER_MODULE)
    before = src.read_bytes()
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "params.ipynb", parameters=PARAMETERS, types=PARAMETER_TYPES,
                     engine=engine)
    result = run_runner(sys.executable, env)
    check_parameters_run(workdir, artifacts, result, engine)
    assert src.read_bytes() == before, "the source notebook must not change"


def test_bare_python_without_jupyter_uses_exec(bare_python, workdir, tmp_path):
    parameters_notebook(workdir / "params.ipynb")
    (workdir / "helper.py").write_text(HELPER_MODULE)
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "params.ipynb", parameters=PARAMETERS, types=PARAMETER_TYPES,
                     path_dirs=[str(bare_python.parent), "/usr/bin", "/bin"])
    result = run_runner(bare_python, env)
    check_parameters_run(workdir, artifacts, result, "exec")
    assert load_outputs(artifacts, "params.ipynb")[1]["kernel"] is None


def oldest_python():
    """A Python 3.8 that really runs (pyenv shims exist for versions that are not selected)."""
    candidates = sorted(Path.home().glob(".pyenv/versions/3.8*/bin/python3.8")) + [shutil.which("python3.8")]
    for found in candidates:
        if found and subprocess.run([str(found), "-c", "pass"], capture_output=True).returncode == 0:
            return Path(found)
    return None


@pytest.mark.skipif(oldest_python() is None, reason="no Python 3.8 on this machine")
def test_runner_works_on_python_3_8(tmp_path, workdir):
    python = make_bare_venv(tmp_path / "py38", oldest_python())
    parameters_notebook(workdir / "params.ipynb")
    (workdir / "helper.py").write_text(HELPER_MODULE)
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "params.ipynb", parameters=PARAMETERS, types=PARAMETER_TYPES,
                     path_dirs=[str(python.parent), "/usr/bin", "/bin"])
    check_parameters_run(workdir, artifacts, run_runner(python, env), "exec")


@pytest.mark.parametrize("blocked, expected", [
    ((), "jupyter_client"),
    (("papermill", "nbclient"), "jupyter_client"),
    # papermill and nbclient need jupyter_client too: without it only in-process engines remain.
    (("jupyter_client",), "ipython"),
    (("jupyter_client", "IPython"), "exec"),
])
def test_best_available_engine_is_chosen(blocked, expected, workdir, tmp_path):
    """Packages missing from the image (made unimportable here) move the choice down the list.

    papermill and nbclient come after jupyter_client (same kernel, slower start): they
    run when TEKTON_ENGINE asks for them (every engine is tested above)."""
    blockers = tmp_path / "blockers"
    for name in blocked:
        (blockers / name).mkdir(parents=True)
        (blockers / name / "__init__.py").write_text("raise ImportError('not in this image')\n")
    write_notebook(workdir / "nb.ipynb", [code("x = 1", tags=["parameters"]), code("print('x is', x)")])
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "nb.ipynb", parameters={"x": 7}, types={"x": "Integer"},
                     extra={"PYTHONPATH": str(blockers)} if blocked else None)
    result = run_runner(sys.executable, env)
    nb, status, _ = load_outputs(artifacts, "nb.ipynb")
    assert result.returncode == 0, result.stdout
    assert status["engine"] == expected
    assert status["kernel"] == ("python3" if expected in ("jupyter_client", "papermill", "nbclient") else None)
    assert stream_text(code_cells(nb)[-1]) == "x is 7\n"


@pytest.mark.parametrize("engine", ENGINES + ["bare"])
def test_raising_notebook_keeps_outputs_and_error(engine, workdir, tmp_path, bare_python):
    src = raising_notebook(workdir / "raises.ipynb")
    before = src.read_bytes()
    artifacts = tmp_path / "artifacts"
    python = bare_python if engine == "bare" else sys.executable
    env = runner_env(workdir, artifacts, "raises.ipynb", engine=None if engine == "bare" else engine)
    result = run_runner(python, env)
    assert result.returncode == 1, result.stdout
    nb, status, log = load_outputs(artifacts, "raises.ipynb")
    validate_notebook(nb)
    assert status["exit_code"] == 1 and status["engine"] == ("exec" if engine == "bare" else engine)
    first, failing, never = code_cells(nb)
    assert "before the error" in stream_text(first)
    errors = [o for o in failing["outputs"] if o["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "ValueError"
    assert errors[0]["evalue"] == "boom from the notebook"
    traceback = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(errors[0]["traceback"]))
    assert "fail()" in traceback and "ValueError" in traceback
    assert never["outputs"] == [] and never["execution_count"] is None
    # A marker cell on top says where it failed (papermill's own, or ours).
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert {"papermill-error-cell-tag", "tekton-error"} & set(nb["cells"][0]["metadata"].get("tags", []))
    assert "boom from the notebook" in log and "never printed" not in log
    assert src.read_bytes() == before


def test_parameters_cell_goes_on_top_without_tag(workdir, tmp_path):
    write_notebook(workdir / "nb.ipynb", [code("print(n * 2)")], minor=4)
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "nb.ipynb", parameters={"n": 21}, types={"n": "Integer"},
                     engine="exec")
    assert run_runner(sys.executable, env).returncode == 0
    nb, _, _ = load_outputs(artifacts, "nb.ipynb")
    validate_notebook(nb)  # nbformat 4.4: no cell ids may be added
    assert "injected-parameters" in nb["cells"][0]["metadata"]["tags"]
    assert "id" not in nb["cells"][0]
    assert stream_text(nb["cells"][1]) == "42\n"


def test_exec_engine_skips_ipython_syntax_loudly(workdir, tmp_path, bare_python):
    write_notebook(workdir / "nb.ipynb", [
        code("%matplotlib inline\n!pip install nothing\nif True:\n    %time y = 1\nprint('ran')"),
        code("%%bash\necho hi"),
        code("1 + 1"),
    ])
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "nb.ipynb", path_dirs=[str(bare_python.parent), "/usr/bin", "/bin"])
    assert run_runner(bare_python, env).returncode == 0
    nb, status, _ = load_outputs(artifacts, "nb.ipynb")
    assert status["engine"] == "exec"
    first, magic, last = code_cells(nb)
    assert "ran" in stream_text(first, "stdout")
    assert "skipped" in stream_text(first, "stderr") and "pip install" in stream_text(first, "stderr")
    assert "cell magic skipped" in stream_text(magic, "stderr")
    assert joined(last["outputs"][0]["data"]["text/plain"]) == "2"


def test_ipython_engine_runs_magics(workdir, tmp_path):
    write_notebook(workdir / "nb.ipynb", [code("%env FROM_MAGIC=yes\nimport os\nprint(os.environ['FROM_MAGIC'])")])
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "nb.ipynb", engine="ipython")
    assert run_runner(sys.executable, env).returncode == 0
    nb, _, _ = load_outputs(artifacts, "nb.ipynb")
    assert "yes" in stream_text(code_cells(nb)[0])


@pytest.mark.parametrize("python_kind", ["system", "bare"])
def test_python_script_gets_parameters_as_env_and_exit_code(python_kind, workdir, tmp_path, bare_python):
    python = sys.executable if python_kind == "system" else bare_python
    (workdir / "job.py").write_text(
        "import os, sys\nprint('alpha', os.environ['alpha'])\nprint('name', repr(os.environ['name']))\n"
        "print('oops', file=sys.stderr)\nprint('exe', sys.executable)\nsys.exit(3)\n")
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "job.py", kind="python", parameters={"alpha": 5, "name": TRICKY},
                     path_dirs=[str(Path(python).parent), "/usr/bin", "/bin"])
    result = run_runner(python, env)
    assert result.returncode == 3
    status = json.loads((artifacts / "status.json").read_text())
    log = (artifacts / "run.log").read_text()
    assert status["engine"] == "python" and status["exit_code"] == 3 and status["kind"] == "python"
    assert "alpha 5" in log and repr(TRICKY) in log and "oops" in log
    assert "exe %s" % python in log, "scripts run with the runner's own interpreter"
    assert not (artifacts / "job.py").exists(), "scripts are not copied to the artifacts"
    assert not (workdir / "pwned-dollar").exists()


def test_r_script_without_rscript_says_so(workdir, tmp_path):
    (workdir / "job.r").write_text("print('hi')\n")
    artifacts = tmp_path / "artifacts"
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = runner_env(workdir, artifacts, "job.r", kind="r", path_dirs=[str(empty)])
    result = run_runner(sys.executable, env)
    assert result.returncode == 127
    assert "Rscript is not installed" in (artifacts / "run.log").read_text()
    assert json.loads((artifacts / "status.json").read_text())["exit_code"] == 127


def test_r_notebook_without_irkernel_says_so(workdir, tmp_path):
    write_notebook(workdir / "nb.ipynb", [code("print('hi')")], kernel="ir", language="R")
    artifacts = tmp_path / "artifacts"
    result = run_runner(sys.executable, runner_env(workdir, artifacts, "nb.ipynb"))
    assert result.returncode == 127
    nb, status, log = load_outputs(artifacts, "nb.ipynb")
    validate_notebook(nb)
    assert "IRkernel" in log and status["exit_code"] == 127
    assert "IRkernel" in nb["cells"][0]["outputs"][0]["evalue"]


@pytest.mark.parametrize("node_file, env_extra, message", [
    ("missing.ipynb", {}, "cannot read notebook missing.ipynb"),
    ("../outside.ipynb", {}, "must be a relative path inside the working dir"),
    ("nb.ipynb", {"x": "not-a-number"}, "parameter x: 'not-a-number' is not a valid Integer"),
    ("nb.ipynb", {"TEKTON_ENGINE": "spark"}, "TEKTON_ENGINE=spark is not one of"),
    ("broken.ipynb", {}, "not an nbformat v4 notebook"),
])
def test_bad_configuration_is_reported(node_file, env_extra, message, workdir, tmp_path):
    write_notebook(workdir / "nb.ipynb", [code("x")])
    (workdir / "broken.ipynb").write_text('{"cells": "nope"}')
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, node_file, extra=env_extra)
    env["TEKTON_PARAMETERS_SPEC"] = json.dumps([{"name": "x", "type": "Integer"}]) if "x" in env_extra else "[]"
    result = run_runner(sys.executable, env)
    assert result.returncode == 2
    log = (artifacts / "run.log").read_text()
    assert message in log
    assert json.loads((artifacts / "status.json").read_text())["exit_code"] == 2
    if not node_file.startswith(".."):
        nb = json.loads((artifacts / node_file).read_text())
        validate_notebook(nb)
        assert message in json.dumps(nb)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed (apt-get install r-base-core)")
def test_r_script_runs_with_rscript(workdir, tmp_path):
    (workdir / "job.r").write_text(
        'cat("alpha", Sys.getenv("alpha"), "\\n")\nmessage("to stderr")\n'
        'writeLines(Sys.getenv("name"), "name.txt")\nquit(status = 3)\n')
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "job.r", kind="r", parameters={"alpha": 5, "name": TRICKY},
                     path_dirs=[os.path.dirname(sys.executable), os.path.dirname(shutil.which("Rscript")),
                                "/usr/bin", "/bin"])
    result = run_runner(sys.executable, env)
    assert result.returncode == 3
    status = json.loads((artifacts / "status.json").read_text())
    assert status["engine"] == "Rscript" and status["exit_code"] == 3 and status["kind"] == "r"
    log = (artifacts / "run.log").read_text()
    assert "alpha 5" in log and "to stderr" in log
    assert (workdir / "name.txt").read_text() == TRICKY + "\n"
