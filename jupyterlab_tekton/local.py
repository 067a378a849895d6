"""Local runs: execute a compiled pipeline's DAG on this machine with real kernels.

`LocalRunner` is the contract (one instance per run, like jupyter-scheduler's
ExecutionManager): `run()` is a template method, before_start → execute →
on_complete | on_failure, and subclasses write `execute()` and `cancel()`.
`SubprocessLocalRunner`, the default (`TektonApp.local_runner_class`), runs the DAG on
the event loop:

- a node starts once every node in its `runAfter` succeeded, at most `max_parallelism`
  at a time, in topological order; independent branches run in parallel;
- a node that fails marks its downstream nodes `skipped`; other branches go on and the
  run ends `failed`;
- each node runs `runner.py` (the same script as the Tekton run step) in a subprocess with
  the step's environment, in a fresh temporary working directory laid out like the
  task's (see workdir.py); the runner writes the executed notebook, `run.log` and
  `status.json` into `<run folder>/<task>/`, declared outputs are copied to
  `<task>/outputs/` as the save step does (a missing output is a warning);
- warm start: the runner of the next node in line starts early (prewarm mode), so its
  interpreter and kernel are up when its upstream nodes finish; it executes on a line on
  its stdin, after the upstream outputs were copied in;
- early finish: the runner says on a pipe of its own (TEKTON_DONE_FD) when the node's
  result is final -- notebook, log and status written, the user's objects released --
  before its kernel shuts down; the node ends then and its downstream nodes start while
  the old process stops in the background (the run ends once every process is gone);
- `cancel()` stops the running process trees and marks what remains `cancelled`;
- a node `timeout` (Go duration) is enforced; `retries` are not (local runs are for
  trying things out).
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from traitlets import Bool, Integer
from traitlets.config import LoggingConfigurable

from .errors import TektonError
from .models import (
    IRNode,
    IRParameter,
    IRPipeline,
    NodeStatus,
    ParameterValue,
    RunStatus,
)
from .paths import ServerRoot
from .processes import terminate_tree
from .runstore import RunRecord, RunStore, utcnow
from .steps import DONE_FD, DONE_LINE, READY_LINE, find_runner, node_environment, node_file
from . import workdir as workdirs

NodeListener = Callable[[RunRecord, str], None]

_STOPPED_UPSTREAM = {NodeStatus.failed, NodeStatus.skipped, NodeStatus.cancelled, NodeStatus.interrupted}


class LocalRunner(LoggingConfigurable):
    """Executes one local run. Create one per run; call `run()` once.

    The service (runs.py) has already created the run folder, written `run.json` with every
    node `pending`, and validated the request (paths inside the server root, a DAG).
    Subclasses implement:

    - `execute()`: run the nodes, reporting every state change through `update_node()`
      (which rewrites run.json and notifies listeners). Return when every node is in a
      final state; raise only for failures of the runner itself.
    - `cancel()`: ask `execute()` to stop soon: running nodes are stopped and end
      `cancelled`, pending ones are marked `cancelled`. Safe to call more than once and
      after the run ended.
    """

    def __init__(
        self,
        *,
        record: RunRecord,
        ir: IRPipeline,
        parameters: dict[str, tuple[IRParameter, ParameterValue]],
        root: ServerRoot,
        store: RunStore,
        python: str = sys.executable,
        max_parallelism: int = 1,
        listeners: list[NodeListener] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.record = record
        self.ir = ir
        self.parameters = parameters
        self.root = root
        self.store = store
        self.python = python
        self.max_parallelism = max(1, max_parallelism)
        self.listeners = listeners or []
        self.cancel_requested = False

    @property
    def run_dir(self) -> Path:
        return self.store.run_dir(self.record.pipeline_name, self.record.id)

    # ---- template method -------------------------------------------------------------

    async def run(self) -> RunRecord:
        self.before_start()
        try:
            await self.execute()
        except Exception as e:  # noqa: BLE001 - reported in run.json, not swallowed
            self.on_failure(e)
        else:
            self.on_complete()
        return self.record

    def before_start(self) -> None:
        self.store.claim(self.record)
        self.record.status = RunStatus.running
        self.record.started = utcnow()
        self.save()

    async def execute(self) -> None:
        raise NotImplementedError

    def cancel(self) -> None:
        raise NotImplementedError

    def on_complete(self) -> None:
        statuses = {n.status for n in self.record.nodes}
        if self.cancel_requested and statuses & {NodeStatus.cancelled}:
            self.record.status = RunStatus.cancelled
            self.record.message = "cancelled"
        elif statuses - {NodeStatus.succeeded}:
            self.record.status = RunStatus.failed
            failed = [n.label for n in self.record.nodes if n.status == NodeStatus.failed]
            self.record.message = f"failed: {', '.join(failed)}" if failed else "not all nodes succeeded"
        else:
            self.record.status = RunStatus.succeeded
        self._finish()

    def on_failure(self, error: Exception) -> None:
        if isinstance(error, TektonError):
            message = error.message
        else:
            self.log.error("local run %s failed", self.record.id, exc_info=error)
            message = f"the local runner failed: {type(error).__name__}: {error}"
        now = utcnow()
        for node in self.record.nodes:
            if node.status in (NodeStatus.pending, NodeStatus.running):
                node.status = NodeStatus.failed if node.status == NodeStatus.running else NodeStatus.cancelled
                node.finished = now
        self.record.status = RunStatus.failed
        self.record.message = message
        self._finish()

    def _finish(self) -> None:
        self.record.finished = utcnow()
        if self.record.started:
            self.record.duration_seconds = round(
                (self.record.finished - self.record.started).total_seconds(), 3
            )
        self.save()

    # ---- helpers for subclasses ------------------------------------------------------

    def save(self) -> None:
        self.store.save(self.record)

    def node_status(self, task_name: str) -> NodeStatus:
        return self._node(task_name).status

    def update_node(self, task_name: str, **changes) -> None:
        node = self._node(task_name)
        for key, value in changes.items():
            setattr(node, key, value)
        if node.started and node.finished:
            node.duration_seconds = round((node.finished - node.started).total_seconds(), 3)
        self.save()
        for listener in self.listeners:
            try:
                listener(self.record, task_name)
            except Exception:  # a listener must not break the run
                self.log.exception("run listener failed")

    def _node(self, task_name: str):
        for node in self.record.nodes:
            if node.task_name == task_name:
                return node
        raise KeyError(task_name)


class NodeProcess:
    """runner.py for one node, started in prewarm mode (TEKTON_PREWARM=1): it starts the
    node's kernel in the working directory, says READY_LINE on stdout, then waits for a
    line on stdin.

    Its stderr goes to a temp file until the node runs (a skipped node leaves nothing in
    the run folder); it becomes `<task>/stderr.log` when not empty.
    """

    def __init__(self, process: asyncio.subprocess.Process, workdir: Path, stderr: Path) -> None:
        self.process = process
        self.workdir = workdir
        self.stderr = stderr
        self.ready = False  # its kernel is up (or it ended): it no longer competes for the CPU
        self.reader: asyncio.Task | None = None
        # The exit code the runner announced on its done pipe; None: it closed the pipe
        # without (an in-process engine, a crash): only its exit counts.
        self.done: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

    async def read_done(self, fd: int) -> None:
        """Resolve `done` from the runner's done pipe (`DONE_LINE <exit code>`)."""
        code = None
        transport = None
        try:
            loop = asyncio.get_running_loop()
            reader = asyncio.StreamReader()
            pipe = os.fdopen(fd, "rb", buffering=0)
            fd = -1  # the pipe object owns it now
            transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe)
            words = (await reader.readline()).split()
            if len(words) == 2 and words[0] == DONE_LINE and words[1].lstrip(b"-").isdigit():
                code = int(words[1])
        except OSError:
            pass
        finally:
            if transport is not None:
                transport.close()
            elif fd >= 0:
                os.close(fd)
            if not self.done.done():
                self.done.set_result(code)

    async def read_stdout(self, on_ready: Callable[[], None]) -> None:
        """Wait for the runner's ready line, then drain stdout (it mirrors run.log there)."""
        seen = b""
        try:
            while chunk := await self.process.stdout.read(65536):
                if not self.ready:
                    seen = (seen + chunk)[-4096:]
                    if READY_LINE + b"\n" in seen:
                        self.ready = True
                        on_ready()
        finally:
            if not self.ready:  # it ended (or we stopped reading) without getting ready
                self.ready = True
                on_ready()

    def remove(self, artifacts: Path | None = None) -> None:
        """Delete the working directory; keep a non-empty stderr in `artifacts`."""
        try:
            if artifacts is not None and self.stderr.stat().st_size:
                shutil.move(self.stderr, artifacts / "stderr.log")
        except OSError:
            pass
        finally:
            self.stderr.unlink(missing_ok=True)
            shutil.rmtree(self.workdir, ignore_errors=True)


class SubprocessLocalRunner(LocalRunner):
    """The default: each node is `python runner.py` in its own process session.

    Warm start: a node's runner (and so its kernel) starts before its upstream nodes
    finish, as soon as every upstream node is running or done, with its file and
    dependencies in place; when the node becomes ready its upstream outputs are copied in
    and a line on the runner's stdin starts the execution. A node that gets skipped or
    cancelled meanwhile has its process stopped. `max_parallelism` counts executing nodes
    only; at most `max_warm` (default: `max_parallelism`) nodes wait warm at a time, and
    none is started while an executing node's kernel is still starting (the CPU goes to
    the critical path first).
    """

    # Seconds a cancelled node gets to exit on SIGTERM before SIGKILL.
    kill_grace = 5.0
    # Seconds a runner that said it is done gets to stop its kernel (it kills it after 5).
    exit_grace = 10.0

    prewarm = Bool(
        True,
        config=True,
        help="Start a node's runner and kernel before its upstream nodes finish.",
    )
    max_warm = Integer(
        0,
        config=True,
        help="How many nodes may wait with a started kernel at once (0: max_parallelism).",
    )

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._processes: dict[str, asyncio.subprocess.Process] = {}  # released, executing
        self._warm: dict[str, asyncio.Task] = {}  # task name -> Task[NodeProcess], not released
        self._stopping: set[asyncio.Task] = set()  # warm processes being stopped
        self._booting: set[str] = set()  # executing nodes whose kernel is not up yet
        self._exiting: dict[asyncio.Task, asyncio.subprocess.Process] = {}  # done, still stopping
        self._wakeup = asyncio.Event()

    async def execute(self) -> None:
        runner = find_runner()
        running: dict[asyncio.Task, str] = {}
        try:
            while True:
                if not self.cancel_requested:
                    self._schedule(runner, running)
                    self._prewarm(runner)
                if not running:
                    break
                self._wakeup.clear()
                wake = asyncio.ensure_future(self._wakeup.wait())
                done, _ = await asyncio.wait([*running, wake], return_when=asyncio.FIRST_COMPLETED)
                wake.cancel()
                for task in done:
                    if task is wake:
                        continue
                    running.pop(task)
                    task.result()  # run_node reports its own failures; this re-raises bugs only
        finally:
            for task_name in list(self._warm):
                self._discard(task_name)
            # The run ends when every process is gone: warm ones stopped, finished ones exited.
            while left := [t for t in (*self._stopping, *self._exiting) if not t.done()]:
                await asyncio.gather(*left, return_exceptions=True)
        now = utcnow()
        for node in self.ir.nodes:
            if self.node_status(node.task_name) == NodeStatus.pending:
                self.update_node(node.task_name, status=NodeStatus.cancelled, finished=now)

    def _schedule(self, runner: Path, running: dict[asyncio.Task, str]) -> None:
        """Skip what can no longer run, start what is ready (topological order)."""
        for node in self.ir.nodes:
            if self.node_status(node.task_name) != NodeStatus.pending:
                continue
            upstream = {u: self.node_status(u) for u in node.run_after}
            stopped = [u for u, s in upstream.items() if s in _STOPPED_UPSTREAM]
            if stopped:
                self._discard(node.task_name)
                self.update_node(
                    node.task_name,
                    status=NodeStatus.skipped,
                    message=f"skipped: upstream {', '.join(stopped)} did not succeed",
                )
            elif all(s == NodeStatus.succeeded for s in upstream.values()):
                if len(running) < self.max_parallelism:
                    self.update_node(node.task_name, status=NodeStatus.running, started=utcnow())
                    warm = self._warm.pop(node.task_name, None)  # now: frees its warm slot
                    if not (warm is not None and warm.done() and not warm.exception() and warm.result().ready):
                        self._booting.add(node.task_name)
                    running[asyncio.ensure_future(self.run_node(node, runner, warm))] = node.task_name

    def _prewarm(self, runner: Path) -> None:
        """Start the next nodes in line: pending, every upstream node running or done;
        ready ones (waiting for a free slot) first, then in topological order.

        Not while an executing node still starts its kernel: that start is on the critical
        path, the warm ones have the time the running nodes take.
        """
        free = (self.max_warm or self.max_parallelism) - len(self._warm)
        if not self.prewarm or free <= 0 or self._booting:
            return
        candidates = []
        for index, node in enumerate(self.ir.nodes):
            if node.task_name in self._warm or self.node_status(node.task_name) != NodeStatus.pending:
                continue
            upstream = [self.node_status(u) for u in node.run_after]
            if all(s in (NodeStatus.running, NodeStatus.succeeded) for s in upstream):
                ready = all(s == NodeStatus.succeeded for s in upstream)
                candidates.append((not ready, index, node))
        candidates.sort(key=lambda c: c[:2])
        for _, _, node in candidates[:free]:
            self._warm[node.task_name] = asyncio.ensure_future(self._start_process(node, runner))

    def _discard(self, task_name: str) -> None:
        """Stop a warm node's process (it will not run) in the background."""
        warm = self._warm.pop(task_name, None)
        if warm is not None:
            stopping = asyncio.ensure_future(self._stop_warm(warm))
            self._stopping.add(stopping)
            stopping.add_done_callback(self._stopping.discard)

    async def _stop_warm(self, warm: asyncio.Task) -> None:
        try:
            node_process = await warm
        except Exception:  # noqa: BLE001 - it failed to start; it would have been reported on start
            return
        await terminate_tree(node_process.process, self.kill_grace)
        node_process.reader.cancel()
        await asyncio.to_thread(node_process.remove)

    def _let_exit(self, node_process: NodeProcess, artifacts: Path) -> None:
        """A node that finished early: its runner stops its kernel in the background."""
        exiting = asyncio.ensure_future(self._wait_exit(node_process, artifacts))
        self._exiting[exiting] = node_process.process
        exiting.add_done_callback(lambda t: self._exiting.pop(t, None))

    async def _wait_exit(self, node_process: NodeProcess, artifacts: Path) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(node_process.process.wait()), self.exit_grace)
        except asyncio.TimeoutError:
            self.log.warning("node %s: the runner did not exit %ss after it finished", artifacts.name, self.exit_grace)
        finally:
            await terminate_tree(node_process.process, self.kill_grace)
            node_process.reader.cancel()
            await asyncio.to_thread(node_process.remove, artifacts)

    def _ready(self, task_name: str) -> None:
        self._booting.discard(task_name)
        self._wakeup.set()

    def cancel(self) -> None:
        if self.cancel_requested:
            return
        self.cancel_requested = True
        self._wakeup.set()
        for process in [*self._processes.values(), *self._exiting.values()]:
            asyncio.ensure_future(terminate_tree(process, self.kill_grace))
        for task_name in list(self._warm):
            self._discard(task_name)

    async def _start_process(self, node: IRNode, runner: Path) -> NodeProcess:
        """A working dir with the node's sources and runner.py waiting in it (prewarm mode)."""
        workdir = await asyncio.to_thread(workdirs.create, node, self.root)
        fd, stderr_name = tempfile.mkstemp(prefix=f"tekton-{node.task_name}-", suffix=".stderr")
        done_read, done_write = os.pipe()
        try:
            env = node_environment(
                node,
                self.parameters,
                workdir=workdir,
                artifacts_dir=self.run_dir / node.task_name,
                runner=runner,
                run_prefix=f"{self.record.pipeline_name}/{self.record.id}",
                python=self.python,
            )
            env["TEKTON_PREWARM"] = "1"
            env[DONE_FD] = str(done_write)
            # run.log is the runner's (it mirrors it to stdout for Tekton); keep only stderr,
            # where an interpreter or kernel that dies before the runner can log says why.
            with os.fdopen(fd, "wb") as stderr:
                process = await asyncio.create_subprocess_exec(
                    self.python,
                    str(runner),
                    cwd=workdir,
                    env=env,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=stderr,
                    start_new_session=True,
                    pass_fds=(done_write,),
                )
        except BaseException:
            os.close(done_read)
            Path(stderr_name).unlink(missing_ok=True)
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        finally:
            os.close(done_write)  # the runner's copy is the only writer: its exit means EOF
        node_process = NodeProcess(process, workdir, Path(stderr_name))
        node_process.reader = asyncio.ensure_future(self._watch(node_process, node.task_name, done_read))
        return node_process

    async def _watch(self, node_process: NodeProcess, task_name: str, done_fd: int) -> None:
        """Its stdout (ready line) and its done pipe, until both end."""
        done = asyncio.ensure_future(node_process.read_done(done_fd))
        try:
            await node_process.read_stdout(lambda: self._ready(task_name))
            await done
        finally:
            done.cancel()

    async def run_node(self, node: IRNode, runner: Path, warm: asyncio.Task | None = None) -> None:
        """Execute one node: its prewarmed process (`warm`, a Task[NodeProcess]) or a new one."""
        artifacts = self.run_dir / node.task_name
        artifacts.mkdir(parents=True, exist_ok=True)
        status, exit_code, message, outputs = NodeStatus.failed, None, None, []
        node_process: NodeProcess | None = None
        early = False
        try:
            node_process = await (warm if warm is not None else self._start_process(node, runner))
            workdir = node_process.workdir
            await asyncio.to_thread(workdirs.add_inputs, node, workdir, self.run_dir)
            if self.cancel_requested:
                status = NodeStatus.cancelled
            else:
                exit_code, message, early = await self._release(node, node_process, artifacts)
                if self.cancel_requested and exit_code != 0:
                    status = NodeStatus.cancelled
                else:
                    # Like the save step: outputs are saved whatever the exit code.
                    copied, warnings = await asyncio.to_thread(
                        workdirs.collect_outputs, node, workdir, artifacts
                    )
                    outputs = [self.root.relative(p) for p in copied]
                    for warning in warnings:
                        self._append_log(artifacts, f"[save] warning: {warning}\n")
                    if exit_code == 0 and not (artifacts / "status.json").is_file():
                        message = "the runner exited before running the node"
                        self._append_log(artifacts, f"[local runner] {message}\n")
                    elif exit_code == 0:
                        status = NodeStatus.succeeded
                        message = "; ".join(warnings) or None
                    elif message is None:
                        message = f"exit code {exit_code}"
        except TektonError as e:
            message = e.message
            self._append_log(artifacts, f"[local runner] {e.message}\n")
        except Exception as e:  # noqa: BLE001 - a bug; the node fails, the run goes on
            self.log.exception("node %s of run %s", node.task_name, self.record.id)
            message = f"internal error: {type(e).__name__}: {e}"
            self._append_log(artifacts, f"[local runner] {message}\n")
        finally:
            self._booting.discard(node.task_name)
            if node_process is not None and early and not self.cancel_requested:
                self._let_exit(node_process, artifacts)
            elif node_process is not None:
                await terminate_tree(node_process.process, self.kill_grace)  # not released (cancel, error)
                node_process.reader.cancel()
                await asyncio.to_thread(node_process.remove, artifacts)
        self.update_node(
            node.task_name,
            status=status,
            finished=utcnow(),
            exit_code=exit_code,
            message=message,
            outputs=outputs,
            **self._artifact_fields(node, artifacts),
        )

    async def _release(
        self, node: IRNode, node_process: NodeProcess, artifacts: Path
    ) -> tuple[int, str | None, bool]:
        """Send the start line and wait for the runner to say it is done, or to exit (node
        timeout from here). Returns (exit code, message, done while still running)."""
        process = node_process.process
        self._processes[node.task_name] = process
        message = None
        exited = asyncio.ensure_future(process.wait())
        try:
            try:
                process.stdin.write(b"start\n")
                await process.stdin.drain()
                process.stdin.close()
            except (BrokenPipeError, ConnectionResetError):
                pass  # it exited already; its exit code and stderr say why
            timeout = go_duration_seconds(node.timeout) if node.timeout else None
            waiting = {exited, node_process.done}
            deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
            while not exited.done():
                left = None if deadline is None else max(0.0, deadline - asyncio.get_running_loop().time())
                finished, _ = await asyncio.wait(waiting, timeout=left, return_when=asyncio.FIRST_COMPLETED)
                if not finished:
                    await terminate_tree(process, self.kill_grace)
                    message = f"timed out after {node.timeout}"
                    self._append_log(artifacts, f"[local runner] {message}\n")
                    break
                if node_process.done in finished and not exited.done():
                    code = node_process.done.result()
                    if code is not None:
                        return code, None, True
                    waiting.discard(node_process.done)  # no word from it: its exit decides
            if self.cancel_requested and process.returncode != 0:
                message = "cancelled"
        finally:
            exited.cancel()
            self._processes.pop(node.task_name, None)
        return process.returncode, message, False

    def _artifact_fields(self, node: IRNode, artifacts: Path) -> dict:
        fields = {"artifacts_path": self.root.relative(artifacts)}
        log = artifacts / "run.log"
        if log.is_file():
            fields["log_path"] = self.root.relative(log)
        executed = artifacts / node_file(node)
        if node.kind.value == "notebook" and executed.is_file():
            fields["notebook_path"] = self.root.relative(executed)
        status = _read_json(artifacts / "status.json")
        if isinstance(status, dict) and status.get("engine"):
            engine = status["engine"]
            fields["engine"] = f"{engine} ({status['kernel']})" if status.get("kernel") else engine
        return fields

    @staticmethod
    def _append_log(artifacts: Path, text: str) -> None:
        with open(artifacts / "run.log", "a", encoding="utf-8") as f:
            f.write(text)


def _read_json(path: Path):
    import json

    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def go_duration_seconds(text: str) -> float | None:
    """Seconds in a Go duration ("1h30m", "45s"); None for "0" or unparsable text."""
    text = text.strip()
    if not text or text == "0" or not re.fullmatch(r"(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+", text):
        return None
    seconds = sum(float(n) * _UNIT[u] for n, u in _DURATION.findall(text))
    return seconds or None
