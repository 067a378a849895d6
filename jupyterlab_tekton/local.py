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
- `cancel()` stops the running process trees and marks what remains `cancelled`;
- a node `timeout` (Go duration) is enforced; `retries` are not (local runs are for
  trying things out).
"""
from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

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
from .steps import find_runner, node_environment, node_file
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


class SubprocessLocalRunner(LocalRunner):
    """The default: each node is `python runner.py` in its own process session."""

    # Seconds a cancelled node gets to exit on SIGTERM before SIGKILL.
    kill_grace = 5.0

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._processes: dict[str, asyncio.subprocess.Process] = {}
        self._wakeup = asyncio.Event()

    async def execute(self) -> None:
        runner = find_runner()
        running: dict[asyncio.Task, str] = {}
        while True:
            if not self.cancel_requested:
                self._schedule(runner, running)
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
                self.update_node(
                    node.task_name,
                    status=NodeStatus.skipped,
                    message=f"skipped: upstream {', '.join(stopped)} did not succeed",
                )
            elif all(s == NodeStatus.succeeded for s in upstream.values()):
                if len(running) < self.max_parallelism:
                    self.update_node(node.task_name, status=NodeStatus.running, started=utcnow())
                    running[asyncio.ensure_future(self.run_node(node, runner))] = node.task_name

    def cancel(self) -> None:
        if self.cancel_requested:
            return
        self.cancel_requested = True
        self._wakeup.set()
        for process in list(self._processes.values()):
            asyncio.ensure_future(terminate_tree(process, self.kill_grace))

    async def run_node(self, node: IRNode, runner: Path) -> None:
        artifacts = self.run_dir / node.task_name
        artifacts.mkdir(parents=True, exist_ok=True)
        status, exit_code, message, outputs = NodeStatus.failed, None, None, []
        workdir: Path | None = None
        try:
            workdir = await asyncio.to_thread(workdirs.prepare, node, self.root, self.run_dir)
            if self.cancel_requested:
                status = NodeStatus.cancelled
            else:
                exit_code, message = await self._spawn(node, runner, workdir, artifacts)
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
                    if exit_code == 0:
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
            if workdir is not None:
                await asyncio.to_thread(shutil.rmtree, workdir, True)
        self.update_node(
            node.task_name,
            status=status,
            finished=utcnow(),
            exit_code=exit_code,
            message=message,
            outputs=outputs,
            **self._artifact_fields(node, artifacts),
        )

    async def _spawn(
        self, node: IRNode, runner: Path, workdir: Path, artifacts: Path
    ) -> tuple[int, str | None]:
        env = node_environment(
            node,
            self.parameters,
            workdir=workdir,
            artifacts_dir=artifacts,
            runner=runner,
            run_prefix=f"{self.record.pipeline_name}/{self.record.id}",
            python=self.python,
        )
        # run.log is the runner's (it mirrors it to stdout for Tekton); keep only stderr,
        # where an interpreter or kernel that dies before the runner can log says why.
        stderr_path = artifacts / "stderr.log"
        with open(stderr_path, "wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                self.python,
                str(runner),
                cwd=workdir,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        self._processes[node.task_name] = process
        message = None
        try:
            timeout = go_duration_seconds(node.timeout) if node.timeout else None
            try:
                await asyncio.wait_for(asyncio.shield(process.wait()), timeout)
            except asyncio.TimeoutError:
                await terminate_tree(process, self.kill_grace)
                message = f"timed out after {node.timeout}"
                self._append_log(artifacts, f"[local runner] {message}\n")
            if self.cancel_requested and process.returncode != 0:
                message = "cancelled"
        finally:
            self._processes.pop(node.task_name, None)
        if stderr_path.stat().st_size == 0:
            stderr_path.unlink()
        return process.returncode, message

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
