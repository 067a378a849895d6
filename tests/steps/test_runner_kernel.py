"""The runner's jupyter_client engine for real: outputs as nbclient records them, papermill's
parameter cell in every engine, kernel specs, a dying kernel, and the prewarm mode."""
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from steps_support import (RUNNER, code, code_cells, joined, load_outputs, markdown, run_runner, runner_env,
                           source, stream_text, validate_notebook, write_notebook)

ENGINES = ["jupyter_client", "papermill", "nbclient", "ipython", "exec"]


@pytest.fixture
def workdir(tmp_path):
    w = tmp_path / "node"
    w.mkdir()
    return w


RICH_CELLS = [
    markdown("# Outputs of every kind"),
    code("import sys\nprint('a', flush=True)\nprint('err', file=sys.stderr, flush=True)\nprint('b', flush=True)\n"
         "print('c', flush=True)"),
    code("for i in range(3):\n    print('\\rstep', i, end='', flush=True)\nprint(' done')\nprint('ab\\bc')"),
    code("from IPython.display import display, update_display, clear_output, HTML\n"
         "display(HTML('<b>first</b>'), display_id='shown')\n6 * 7"),
    code(""),
    code("update_display(HTML('<b>updated</b>'), display_id='shown')\nprint('updated the first cell')"),
    code("print('gone')\nclear_output()\nprint('also gone')\nclear_output(wait=True)\nprint('kept')"),
    code("display({'application/json': {'a': [1, 2]}, 'text/plain': 'json'}, raw=True)"),
    code("raise ValueError('stop here')"),
    code("print('never')"),
]


def settled(outputs):
    """nbclient's outputs as a notebook shows them: consecutive streams merged, \\r and \\b applied."""
    merged = []
    for out in outputs:
        if out["output_type"] == "stream" and merged and merged[-1]["output_type"] == "stream" \
                and merged[-1]["name"] == out["name"]:
            merged[-1] = dict(merged[-1], text=joined(merged[-1]["text"]) + joined(out["text"]))
        else:
            merged.append(dict(out, text=joined(out["text"])) if out["output_type"] == "stream" else out)
    for out in merged:
        if out["output_type"] == "stream":
            text = out["text"]
            while re.search("[^\n]\b", text):
                text = re.sub("[^\n]\b", "", text, count=1)
            out["text"] = re.sub(r".*\r(?=[^\n])", "", text)
    return merged


def run_engine(engine, workdir, tmp_path, cells, **kwargs):
    write_notebook(workdir / "nb.ipynb", cells)
    artifacts = tmp_path / ("artifacts-" + engine)
    result = run_runner(sys.executable, runner_env(workdir, artifacts, "nb.ipynb", engine=engine, **kwargs))
    nb, status, log = load_outputs(artifacts, "nb.ipynb")
    validate_notebook(nb)
    return result, nb, status, log


def test_outputs_match_nbclient(workdir, tmp_path):
    ours = run_engine("jupyter_client", workdir, tmp_path, RICH_CELLS)
    theirs = run_engine("nbclient", workdir, tmp_path, RICH_CELLS)
    for result, nb, status, _ in (ours, theirs):
        assert result.returncode == 1, result.stdout
        assert status["exit_code"] == 1 and status["kernel"] == "python3"
    nb, log = ours[1], ours[3]
    cells = code_cells(nb)
    for mine, other in zip(cells, code_cells(theirs[1])):
        assert mine["execution_count"] == other["execution_count"], source(mine)
        assert mine["outputs"] == settled(other["outputs"]), source(mine)
    # ...and what that is, so both cannot be wrong the same way.
    streams, progress, shown, empty, update, cleared, json_cell, failing, never = cells
    assert [(o["name"], o["text"]) for o in streams["outputs"]] == [("stdout", "a\n"), ("stderr", "err\n"),
                                                                    ("stdout", "b\nc\n")]
    assert stream_text(progress) == "step 2 done\nac\n"
    kinds = [o["output_type"] for o in shown["outputs"]]
    assert kinds == ["display_data", "execute_result"]
    assert shown["outputs"][0]["data"]["text/html"] == "<b>updated</b>"
    assert shown["outputs"][1]["data"]["text/plain"] == "42" and shown["outputs"][1]["execution_count"] == 3
    assert empty["execution_count"] is None and empty["outputs"] == []
    assert stream_text(update) == "updated the first cell\n"
    assert stream_text(cleared) == "kept\n"
    assert json_cell["outputs"][0]["data"]["application/json"] == {"a": [1, 2]}
    assert [o["ename"] for o in failing["outputs"]] == ["ValueError"]
    assert never["execution_count"] is None and never["outputs"] == []
    assert [c["execution_count"] for c in cells if c["execution_count"]] == [1, 2, 3, 4, 5, 6, 7]
    timing = streams["metadata"]["execution"]
    assert set(timing) == {"iopub.status.busy", "iopub.execute_input", "shell.execute_reply", "iopub.status.idle"}
    assert nb["metadata"]["language_info"]["name"] == "python"
    assert "tekton-error" in nb["cells"][0]["metadata"]["tags"] and "ValueError" in nb["cells"][0]["source"]
    assert "a\n" in log and "stop here" in log and "never" not in log


def papermill_parameters_cell(values):
    """papermill's own Python translation, without its optional black formatting."""
    from papermill.translators import PythonTranslator, Translator

    return Translator.codify.__func__(PythonTranslator, values)


@pytest.mark.parametrize("engine", ENGINES)
def test_parameter_cell_is_papermills_in_every_engine(engine, workdir, tmp_path):
    values = {"alpha": 42, "ratio": 0.25, "flag": False, "name": "it's \"q\"\n\\ é 😀"}
    types = {"alpha": "Integer", "ratio": "Float", "flag": "Bool", "name": "String"}
    cells = [code("print('first')"), code("alpha = 1", tags=["parameters"]),
             code("# stale\nalpha = 0", tags=["injected-parameters"]),
             code("print(repr(alpha), repr(ratio), repr(flag), repr(name))")]
    env_values = {k: ("false" if v is False else str(v)) for k, v in values.items()}
    result, nb, status, _ = run_engine(engine, workdir, tmp_path, cells, parameters=env_values, types=types)
    assert result.returncode == 0, result.stdout
    assert status["engine"] == engine
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    # papermill replaces an existing injected cell where it is, keeps the `parameters` cell.
    assert [source(c) for c in nb["cells"]][:2] == ["print('first')", "alpha = 1"]
    assert len(injected) == 1 and nb["cells"][2] is injected[0]
    assert source(injected[0]) == papermill_parameters_cell(values)
    assert stream_text(code_cells(nb)[-1]) == "%r %r %r %r\n" % (42, 0.25, False, values["name"])


def test_custom_kernel_spec_from_jupyter_path(workdir, tmp_path):
    """argv templates, the spec's env with $VAR substitution, and the kernel's name."""
    spec_dir = tmp_path / "jupyter" / "kernels" / "Custom-Py"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": ["python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Custom", "language": "python",
        "env": {"FROM_SPEC": "spec:${LANG}:{resource_dir}"},
    }))
    write_notebook(workdir / "nb.ipynb", [code("import os, sys\nprint(os.environ['FROM_SPEC'])\nprint(sys.executable)")],
                   kernel="custom-py")
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "nb.ipynb", extra={"JUPYTER_PATH": str(tmp_path / "jupyter")})
    result = run_runner(sys.executable, env)
    nb, status, _ = load_outputs(artifacts, "nb.ipynb")
    assert result.returncode == 0, result.stdout
    assert status["engine"] == "jupyter_client" and status["kernel"] == "custom-py"
    # "python3" in argv is the runner's interpreter; {…} in env values is not substituted.
    assert stream_text(code_cells(nb)[0]) == "spec:C.UTF-8:{resource_dir}\n%s\n" % sys.executable


@pytest.mark.parametrize("argv, exit_code, message", [
    (["/nonexistent/kernel", "{connection_file}"], 127, "cannot start the broken kernel"),
    (["python3", "-c", "import sys; sys.exit(5)"], 2, "exited while starting (exit code 5)"),
])
def test_kernel_that_cannot_start(argv, exit_code, message, workdir, tmp_path):
    spec_dir = tmp_path / "jupyter" / "kernels" / "broken"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "B", "language": "python"}))
    write_notebook(workdir / "nb.ipynb", [code("print('hi')")], kernel="broken")
    artifacts = tmp_path / "artifacts"
    env = runner_env(workdir, artifacts, "nb.ipynb", extra={"JUPYTER_PATH": str(tmp_path / "jupyter")})
    result = run_runner(sys.executable, env)
    assert result.returncode == exit_code, result.stdout
    nb, status, log = load_outputs(artifacts, "nb.ipynb")
    validate_notebook(nb)
    assert message in log and message in json.dumps(nb)
    assert status["exit_code"] == exit_code


def test_dying_kernel_fails_the_cell(workdir, tmp_path):
    result, nb, status, log = run_engine("jupyter_client", workdir, tmp_path, [
        code("print('alive')"), code("import os\nos._exit(3)"), code("print('never')")])
    assert result.returncode == 1 and status["exit_code"] == 1
    first, dying, never = code_cells(nb)
    assert stream_text(first) == "alive\n"
    assert [o["ename"] for o in dying["outputs"]] == ["DeadKernelError"]
    assert "exit code 3" in dying["outputs"][0]["evalue"]
    assert never["execution_count"] is None
    assert "DeadKernelError" in nb["cells"][0]["source"]


@pytest.mark.parametrize("engine", ["jupyter_client", "exec"])
def test_files_left_open_are_flushed_before_the_runner_exits(engine, workdir, tmp_path):
    """The kernel is shut down cleanly (not killed), and in-process user code gets a normal exit."""
    result, _, _, _ = run_engine(engine, workdir, tmp_path, [
        code("f = open('left-open.txt', 'w')\nf.write('all of it ' * 1000)"),
        code("import atexit\natexit.register(lambda: open('atexit.txt', 'w').write('ran'))")])
    assert result.returncode == 0, result.stdout
    assert (workdir / "left-open.txt").read_text() == "all of it " * 1000
    assert (workdir / "atexit.txt").read_text() == "ran"


# ---- prewarm ------------------------------------------------------------------------

def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError):
                pass
    return found


def alive(pid):
    try:
        return Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start_prewarmed(workdir, artifacts, cells, extra=None, **kwargs):
    write_notebook(workdir / "nb.ipynb", cells)
    env = runner_env(workdir, artifacts, "nb.ipynb", extra=dict(extra or {}, TEKTON_PREWARM="1"), **kwargs)
    proc = subprocess.Popen([sys.executable, str(RUNNER)], env=env, cwd=str(workdir), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not children(proc.pid):
        assert proc.poll() is None, proc.stdout.read()
        assert time.monotonic() < deadline, "no kernel started"
        time.sleep(0.05)
    return proc, children(proc.pid)[0]


def test_prewarm_starts_the_kernel_then_waits_for_the_signal(workdir, tmp_path):
    artifacts = tmp_path / "artifacts"
    proc, kernel_pid = start_prewarmed(workdir, artifacts, [
        code("x = 1", tags=["parameters"]),
        code("import os\nimport late_module\nprint(os.getpid(), x, open('input.txt').read(), late_module.VALUE)"),
    ], parameters={"x": 5}, types={"x": "Integer"})
    time.sleep(2)  # the kernel is up and waiting
    assert proc.poll() is None and alive(kernel_pid)
    assert not artifacts.exists(), "nothing is written before the start signal"
    # Inputs arrive after the kernel started, as upstream outputs do in a local run.
    (workdir / "input.txt").write_text("from upstream")
    (workdir / "late_module.py").write_text("VALUE = 'imported'\n")
    signalled = time.time()
    proc.stdin.write("start\n")
    proc.stdin.close()
    assert proc.wait(60) == 0, proc.stdout.read()
    nb, status, log = load_outputs(artifacts, "nb.ipynb")
    assert stream_text(code_cells(nb)[-1]) == "%d 5 from upstream imported\n" % kernel_pid
    # The silent cache invalidation before the notebook does not count as an execution.
    assert [c["execution_count"] for c in code_cells(nb)] == [1, 2, 3]
    assert status["engine"] == "jupyter_client" and status["exit_code"] == 0
    started = datetime.strptime(status["started"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert (started - datetime.fromtimestamp(signalled, timezone.utc).replace(tzinfo=None)).total_seconds() > -0.5
    assert "prewarmed the python3 kernel" in log
    assert not alive(kernel_pid)


def test_prewarm_without_signal_stops_and_writes_nothing(workdir, tmp_path):
    artifacts = tmp_path / "artifacts"
    proc, kernel_pid = start_prewarmed(workdir, artifacts, [code("open('ran.txt', 'w')")])
    proc.stdin.close()
    assert proc.wait(30) == 0
    assert not artifacts.exists() and not (workdir / "ran.txt").exists()
    deadline = time.monotonic() + 10
    while alive(kernel_pid):
        assert time.monotonic() < deadline, "the prewarmed kernel outlived its runner"
        time.sleep(0.1)


def test_prewarmed_kernel_is_replaced_when_the_notebook_changes_kernel(workdir, tmp_path):
    """The notebook is read again after the signal (an upstream output may replace it)."""
    spec_dir = tmp_path / "jupyter" / "kernels" / "other"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": ["python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Other", "language": "python", "env": {"WHICH": "other"}}))
    artifacts = tmp_path / "artifacts"
    proc, first_pid = start_prewarmed(workdir, artifacts, [code("print('old')")],
                                      extra={"JUPYTER_PATH": str(tmp_path / "jupyter")})
    write_notebook(workdir / "nb.ipynb", [code("import os\nprint(os.environ.get('WHICH'))")], kernel="other")
    proc.stdin.write("start\n")
    proc.stdin.close()
    assert proc.wait(60) == 0, proc.stdout.read()
    nb, status, _ = load_outputs(artifacts, "nb.ipynb")
    assert status["kernel"] == "other" and stream_text(code_cells(nb)[0]) == "other\n"
    assert not alive(first_pid)
