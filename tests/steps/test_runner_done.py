"""The runner's done signal for local runs (TEKTON_DONE_FD): said once the node's result is
final -- notebook, log and status written, the user's objects released as the kernel's
exit would release them -- and before the kernel is gone; later, after the exit, when the
node's own work may not be over (a thread still running, an atexit handler that could
write a declared output); never without the variable (Tekton)."""
import json
import os
import select
import subprocess
import sys
import time
from datetime import datetime

import pytest

from steps_support import RUNNER, code, load_outputs, runner_env, write_notebook


def stamp(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kernels_of(pid):
    """Kernel processes the runner started (they run in their own session, so by environment)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return found


class Started:
    """A runner with a done pipe, as the local scheduler starts it (prewarm or not)."""

    def __init__(self, workdir, artifacts, cells, prewarm=False, **kwargs):
        if cells is not None:
            write_notebook(workdir / "nb.ipynb", cells)
        self.read_fd, write_fd = os.pipe()
        extra = dict(kwargs.pop("extra", {}), TEKTON_DONE_FD=str(write_fd))
        if prewarm:
            extra["TEKTON_PREWARM"] = "1"
        env = runner_env(workdir, artifacts, kwargs.pop("file", "nb.ipynb"), extra=extra, **kwargs)
        self.proc = subprocess.Popen([sys.executable, str(RUNNER)], env=env, cwd=str(workdir),
                                     stdin=subprocess.PIPE if prewarm else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=(write_fd,))
        os.close(write_fd)
        self.kernels = []

    def done(self, timeout=120):
        """The done line (b"" at end of input), and the runner's kernels alive at that moment."""
        readable, _, _ = select.select([self.read_fd], [], [], timeout)
        assert readable, "no done signal and no end of input"
        line = os.read(self.read_fd, 100)
        self.kernels = [k for k in kernels_of(self.proc.pid) if alive(k)]
        return line

    def finish(self, timeout=60):
        code = self.proc.wait(timeout)
        output = self.proc.stdout.read().decode(errors="replace")
        self.proc.stdout.close()
        os.close(self.read_fd)
        return code, output


@pytest.fixture
def workdir(tmp_path):
    w = tmp_path / "node"
    w.mkdir()
    return w


def test_done_before_the_kernel_exits_with_files_complete(workdir, tmp_path):
    artifacts = tmp_path / "artifacts"
    runner = Started(workdir, artifacts, [
        code("f = open('left-open.txt', 'w')\nf.write('all of it ' * 1000)"),
        code("import json\njson.held = open('held-by-a-module.txt', 'w')\njson.held.write('x' * 5000)"),
        code("import atexit, time\natexit.register(time.sleep, 2)"),  # a slow exit, nothing else
        code("print('last cell')"),
    ])
    assert runner.done() == b"TEKTON_RUNNER_DONE 0\n"
    said = time.monotonic()
    # Everything the scheduler reads is there, the notebook's files are complete...
    nb, status, log = load_outputs(artifacts, "nb.ipynb")
    assert status["exit_code"] == 0 and nb["cells"][-1]["outputs"][0]["text"] == "last cell\n"
    assert "finished with exit code 0" in log
    assert (workdir / "left-open.txt").read_text() == "all of it " * 1000
    assert (workdir / "held-by-a-module.txt").read_text() == "x" * 5000
    # ...while the kernel is still there, running its exit.
    assert runner.kernels, "the kernel was already gone: nothing was gained"
    code_, output = runner.finish()
    assert code_ == 0, output
    assert time.monotonic() - said > 1.0
    assert not any(alive(k) for k in runner.kernels)


def test_failing_notebook_says_its_exit_code(workdir, tmp_path):
    runner = Started(workdir, tmp_path / "artifacts", [code("1 / 0")], prewarm=True)
    while runner.proc.stdout.readline() != b"TEKTON_RUNNER_READY\n":  # the kernel's stderr comes too
        assert runner.proc.poll() is None
    runner.proc.stdin.write(b"start\n")
    runner.proc.stdin.close()
    assert runner.done() == b"TEKTON_RUNNER_DONE 1\n"
    assert runner.finish()[0] == 1


def test_running_thread_delays_done_until_the_kernel_exited(workdir, tmp_path):
    """A thread of the notebook still working: the kernel's exit waits for it, so does the signal."""
    runner = Started(workdir, tmp_path / "artifacts", [
        code("import threading, time\n"
             "def late():\n    time.sleep(1.5)\n    open('from-thread.txt', 'w').write('done')\n"
             "threading.Thread(target=late).start()"),
    ])
    assert runner.done() == b"TEKTON_RUNNER_DONE 0\n"
    assert (workdir / "from-thread.txt").read_text() == "done"
    assert runner.kernels == []
    assert runner.finish()[0] == 0


def test_atexit_handler_delays_done_when_the_node_declares_outputs(workdir, tmp_path):
    runner = Started(workdir, tmp_path / "artifacts", [
        code("import atexit\natexit.register(lambda: open('result.csv', 'w').write('1,2'))"),
    ], extra={"TEKTON_OUTPUTS": "result.csv"})
    assert runner.done() == b"TEKTON_RUNNER_DONE 0\n"
    assert (workdir / "result.csv").read_text() == "1,2"
    assert runner.kernels == []
    assert runner.finish()[0] == 0


def test_a_notebook_cannot_fake_the_signal(workdir, tmp_path):
    """The kernel shares the runner's stdout, not its done pipe."""
    runner = Started(workdir, tmp_path / "artifacts", [
        code("import os, time\nos.write(1, b'TEKTON_RUNNER_DONE 0\\n')\n"
             "print(os.environ.get('TEKTON_DONE_FD'))\ntime.sleep(1)\n1 / 0"),
    ])
    assert runner.done() == b"TEKTON_RUNNER_DONE 1\n"
    nb, _, _ = load_outputs(tmp_path / "artifacts", "nb.ipynb")
    # ipykernel captures the fd-level write into the notebook; the variable is not passed on.
    printed = "".join(o.get("text", "") for o in nb["cells"][1]["outputs"] if o["output_type"] == "stream")
    assert sorted(printed.splitlines()) == ["None", "TEKTON_RUNNER_DONE 0"]
    assert runner.finish()[0] == 1


def test_in_process_engine_says_nothing_its_exit_decides(workdir, tmp_path):
    """User code in the runner's own process: its files close only when that process exits."""
    runner = Started(workdir, tmp_path / "artifacts", [code("f = open('x.txt', 'w')\nf.write('y' * 100)")],
                     engine="exec")
    assert runner.done() == b""  # end of input: the runner exited
    assert runner.finish()[0] == 0
    assert (workdir / "x.txt").read_text() == "y" * 100


def test_script_node_says_done(workdir, tmp_path):
    (workdir / "s.py").write_text("import sys\nprint('script ran')\nsys.exit(3)\n")
    runner = Started(workdir, tmp_path / "artifacts", None, file="s.py", kind="python")
    assert runner.done() == b"TEKTON_RUNNER_DONE 3\n"
    assert json.loads((tmp_path / "artifacts" / "status.json").read_text())["exit_code"] == 3
    assert runner.finish()[0] == 3


def test_without_the_variable_the_runner_writes_no_signal(workdir, tmp_path):
    """Tekton's run step: the exit code is the only word; the kernel is gone before status.json."""
    write_notebook(workdir / "nb.ipynb", [code("import atexit, time\natexit.register(time.sleep, 1)")])
    read_fd, write_fd = os.pipe()
    env = runner_env(workdir, tmp_path / "artifacts", "nb.ipynb")
    result = subprocess.run([sys.executable, str(RUNNER)], env=env, cwd=str(workdir), pass_fds=(write_fd,),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    os.close(write_fd)
    assert result.returncode == 0, result.stdout
    assert os.read(read_fd, 100) == b""
    os.close(read_fd)
    nb, status, _ = load_outputs(tmp_path / "artifacts", "nb.ipynb")
    replied = nb["cells"][0]["metadata"]["execution"]["shell.execute_reply"]
    # status.json is written after the kernel's 1 s exit, as before.
    assert stamp(status["finished"]) - stamp(replied) >= 0.9
