"""Helpers for the step tests: paths, a pod simulator, small notebooks, a runner call.

`run_task()` plays one TaskRun the way Tekton would: fetch.sh, run.sh (onError: continue,
its exit code written to a file as Tekton's entrypoint does), then save.sh, each a `sh`
subprocess with only the environment variables that step gets in the pod. The pod's
/workspace is a temp dir; the transfer steps' $HOME is an empty dir the tests check stays empty.
"""
import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))

from minio_server import MinioServer  # noqa: E402,F401

REPO = TESTS.parent
STEPS = REPO / "src" / "compiler" / "steps"
RUNNER = STEPS / "runner.py"
FIXTURES = REPO.parent / "shared" / "fixtures"
KFP = FIXTURES / "elyra" / "elyra" / "tests" / "pipeline" / "resources" / "test_pipelines" / "kfp"


def upload_file(minio, path, key):
    minio.mc("cp", str(path), minio.bucket_url(key))


def submit_run(minio, prefix, sources):
    """What the submitter does: the runner once per run, each node's files under _sources/."""
    upload_file(minio, RUNNER, prefix + "/_tekton/runner.py")
    for task, files in sources.items():
        for rel, path in files.items():
            upload_file(minio, path, "%s/_sources/%s/%s" % (prefix, task, rel))


@dataclass
class TaskResult:
    workspace: Path
    home: Path
    fetch: subprocess.CompletedProcess
    run: Optional[subprocess.CompletedProcess] = None
    save: Optional[subprocess.CompletedProcess] = None

    @property
    def exit_code(self):
        """The TaskRun's outcome: the first failing step's code, as Tekton reports it."""
        if self.fetch.returncode:
            return self.fetch.returncode
        return self.save.returncode


def tekton_script(text):
    """The file Tekton's entrypoint runs for a step's `script` (pkg/pod/script.go)."""
    return text if text.lstrip().startswith("#!") else "#!/bin/sh\nset -e\n" + text


# How the compiler hands a script to Tekton (src/compiler/steps.ts):
#  "separate": the file's text verbatim as `script:` (our shebang: Tekton runs it as is);
#  "embedded": `script: eval "$TEKTON_STEP_<NAME>"`, the env holding `set -e` + text; save's
#              launcher also sets TEKTON_RUN_EXIT_CODE_FILE (not an env entry).
LAUNCH_MODES = ("embedded", "separate")


def base_env(home, path_dirs):
    return {"PATH": os.pathsep.join(str(p) for p in path_dirs), "HOME": str(home), "LANG": "C.UTF-8"}


def run_task(minio, tmp_path, prefix, task, node_file, kind="notebook", inputs_from=(), outputs=(),
             parameters=None, parameter_types=None, python_dir=None, extra_run_env=None,
             system_dirs=("/usr/local/bin", "/usr/bin", "/bin"), save_env_extra=None, mode="embedded"):
    """Plays fetch → run → save for one task; returns a TaskResult."""
    pod = tmp_path / ("pod-" + task)
    ws, home = pod / "workspace", pod / "home"
    exit_code_file = pod / "tekton" / "steps" / "step-run" / "exitCode"
    run_home = pod / "run-home"  # each container has its own $HOME; only the transfer one is checked
    for d in (ws, home, run_home, exit_code_file.parent):
        d.mkdir(parents=True)
    workdir, tekton_dir = ws / "node", ws / ".tekton"
    transfer_path = [minio.mc_bin.parent, "/usr/bin", "/bin"]
    run_path = [python_dir or Path(sys.executable).parent] + list(system_dirs)
    storage = {
        "TEKTON_S3_ENDPOINT": minio.endpoint,
        "TEKTON_S3_BUCKET": minio.bucket,
        "TEKTON_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": minio.access_key,
        "AWS_SECRET_ACCESS_KEY": minio.secret_key,
        "TEKTON_RUN_PREFIX": prefix,
        "TEKTON_TASK": task,
    }
    fetch_env = dict(base_env(home, transfer_path), **storage,
                     TEKTON_INPUTS_FROM=" ".join(inputs_from), TEKTON_WORKDIR=str(workdir),
                     TEKTON_RUNNER=str(tekton_dir / "runner.py"))
    spec = [{"name": k, "type": (parameter_types or {}).get(k, "String")} for k in (parameters or {})]
    run_env = dict(base_env(run_home, run_path), TEKTON_WORKDIR=str(workdir),
                   TEKTON_RUNNER=str(tekton_dir / "runner.py"),
                   TEKTON_ARTIFACTS_DIR=str(tekton_dir / "artifacts"), TEKTON_NODE_FILE=node_file, TEKTON_PARAMETERS_SPEC=json.dumps(spec),
                   **{k: str(v) for k, v in (parameters or {}).items()}, **(extra_run_env or {}))
    if kind is not None:  # None: left out, as the compiler does when the extension tells it
        run_env["TEKTON_NODE_KIND"] = kind
    save_env = dict(base_env(home, transfer_path), **storage, TEKTON_WORKDIR=str(workdir),
                    TEKTON_ARTIFACTS_DIR=str(tekton_dir / "artifacts"),
                    TEKTON_OUTPUTS="\n".join(outputs), TEKTON_RUN_EXIT_CODE_FILE=str(exit_code_file))
    save_env.update(save_env_extra or {})

    def step(name, env):
        text = (STEPS / name).read_text()
        if mode == "embedded":
            env = dict(env, TEKTON_STEP_SCRIPT="set -e\n" + text)
            text = 'eval "$TEKTON_STEP_SCRIPT"'
            if "TEKTON_RUN_EXIT_CODE_FILE" in env:
                text = "TEKTON_RUN_EXIT_CODE_FILE=%s %s" % (shlex.quote(env.pop("TEKTON_RUN_EXIT_CODE_FILE")), text)
        script = pod / "tekton" / "scripts" / name
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text(tekton_script(text))
        script.chmod(0o755)
        return subprocess.run([str(script)], env=env, cwd=str(ws), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)

    result = TaskResult(workspace=ws, home=home, fetch=step("fetch.sh", fetch_env))
    if result.fetch.returncode:
        return result
    result.run = step("run.sh", run_env)
    exit_code_file.write_text(str(result.run.returncode))  # onError: continue records it
    result.save = step("save.sh", save_env)
    return result


# A value that would run commands if anything spliced it into shell or code.
TRICKY = "it's \"quoted\" $(touch pwned-dollar) `touch pwned-backtick`\nsecond line; rm -rf /tmp/nothing \\ end"


def code(source, tags=()):
    return {"cell_type": "code", "execution_count": None, "metadata": {"tags": list(tags)} if tags else {},
            "outputs": [], "source": source}


def markdown(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def write_notebook(path, cells, kernel="python3", language="python", minor=5):
    nb = {"cells": [], "metadata": {"kernelspec": {"name": kernel, "language": language, "display_name": kernel},
                                    "language_info": {"name": language}},
          "nbformat": 4, "nbformat_minor": minor}
    for i, cell in enumerate(cells):
        cell = dict(cell)
        if minor >= 5:
            cell["id"] = "cell-%d" % i
        if isinstance(cell["source"], str):  # stored the way Jupyter stores it: a list of lines
            cell["source"] = cell["source"].splitlines(True)
        nb["cells"].append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1))
    return path


PARAMETERS = {"alpha": 42, "ratio": 2.5, "flag": True, "name": TRICKY}
PARAMETER_TYPES = {"alpha": "Integer", "ratio": "Float", "flag": "Bool", "name": "String"}


def parameters_notebook(path):
    """Reports the injected parameters' values and types, and what the engine offers."""
    return write_notebook(path, [
        markdown("# Parameters test"),
        code('alpha = 1\nratio = 0.5\nflag = False\nname = "default"', tags=["parameters"]),
        code("import json, os, sys\n"
             "print('types', type(alpha).__name__, type(ratio).__name__, type(flag).__name__, type(name).__name__)\n"
             "print('values', alpha, ratio, flag)\n"
             "print('to stderr', file=sys.stderr)\n"
             "with open('seen.json', 'w') as f:\n"
             "    json.dump({'alpha': alpha, 'ratio': ratio, 'flag': flag, 'name': name,\n"
             "               'cwd': os.getcwd(), 'env_alpha': os.environ.get('alpha')}, f)\n"
             "alpha * 2"),
        markdown("A helper module from the working dir, and a display call."),
        code("import helper\ndisplay(helper.Shown())\nhelper.VALUE"),
    ])


HELPER_MODULE = (
    "VALUE = 'from-helper'\n"
    "class Shown:\n"
    "    def __repr__(self):\n"
    "        return 'Shown()'\n"
    "    def _repr_html_(self):\n"
    "        return '<b>shown</b>'\n"
)


def raising_notebook(path):
    return write_notebook(path, [
        code("print('before the error')"),
        code("def fail():\n    raise ValueError('boom from the notebook')\nfail()"),
        code("print('never printed')"),
    ])


def runner_env(workdir, artifacts, node_file, kind="notebook", parameters=None, types=None, engine=None,
               extra=None, path_dirs=None):
    spec = [{"name": k, "type": (types or {}).get(k, "String")} for k in (parameters or {})]
    env = {
        "PATH": os.pathsep.join(path_dirs or [os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(Path(workdir).parent / "home"),
        "LANG": "C.UTF-8",
        "TEKTON_WORKDIR": str(workdir),
        "TEKTON_ARTIFACTS_DIR": str(artifacts),
        "TEKTON_NODE_FILE": node_file,
        "TEKTON_NODE_KIND": kind,
        "TEKTON_PARAMETERS_SPEC": json.dumps(spec),
    }
    Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
    env.update({k: ("true" if v is True else str(v)) for k, v in (parameters or {}).items()})
    if engine:
        env["TEKTON_ENGINE"] = engine
    env.update(extra or {})
    return env


def run_runner(python, env, timeout=180):
    return subprocess.run([str(python), str(RUNNER)], env=env, cwd=env["TEKTON_WORKDIR"], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)


def load_outputs(artifacts, node_file):
    nb = json.loads((Path(artifacts) / node_file).read_text())
    status = json.loads((Path(artifacts) / "status.json").read_text())
    log = (Path(artifacts) / "run.log").read_text()
    return nb, status, log


def joined(value):
    """nbformat stores multi-line strings as str or as a list of lines."""
    return "".join(value) if isinstance(value, list) else value


def stream_text(cell, name=None):
    return "".join(joined(o.get("text", "")) for o in cell.get("outputs", [])
                   if o["output_type"] == "stream" and (name is None or o["name"] == name))


def source(cell):
    return joined(cell["source"])


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def validate_notebook(nb):
    """nbformat's own schema validation (nbformat is installed where the tests run)."""
    import nbformat

    nbformat.validate(nbformat.from_dict(nb))


def bin_dir_without(where, *prefixes):
    """A PATH dir with every system command except those named prefix*: an image without them."""
    target = Path(where)
    target.mkdir(parents=True, exist_ok=True)
    for d in ("/usr/local/bin", "/usr/bin", "/bin"):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            link = target / name
            if name.startswith(prefixes) or os.path.lexists(link):
                continue
            os.symlink(os.path.join(d, name), link)
    return target


def make_bare_venv(where, base_python=sys.executable):
    """A venv without pip or any package; returns its python3."""
    venv = Path(where) / "venv"
    subprocess.run([str(base_python), "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python3"
    probe = subprocess.run([str(python), "-c", "import nbformat"], capture_output=True)
    assert probe.returncode != 0, "the bare venv must not see Jupyter packages"
    return python
