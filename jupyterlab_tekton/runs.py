"""The local-run service behind /tekton/runs: validate, start, watch, cancel, clean up.

It owns the runs root and the runs this process executes (`active`); everything else it
reads from the run folders (runstore.py), so runs started by the CLI or by a previous
server process are listed too. A run whose executor is gone (server restart, killed CLI)
is reported, and persisted, as `interrupted` instead of `running` forever.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path, PurePosixPath

from .errors import Conflict, InvalidRequest, NotFound, Unavailable
from .fsutil import atomic_write_json
from .local import LocalRunner, NodeListener, SubprocessLocalRunner
from .models import (
    FINISHED_NODE,
    FINISHED_RUN,
    CreateLocalRun,
    DescribeNode,
    FilesUpload,
    Interpreter,
    IRParameter,
    IRPipeline,
    ListRunsQuery,
    NodeLog,
    ParameterType,
    ParameterValue,
    RunParameter,
    RunStatus,
    RunSummary,
)
from .paths import ServerRoot, check_relative
from .runstore import IR_FILE, RUN_FILE, RunRecord, RunStore, executor_alive, utcnow
from .workdir import source_files

LOG_CHUNK_DEFAULT = 256 * 1024
LOG_CHUNK_MAX = 4 * 1024 * 1024
_RESERVED = {RUN_FILE, IR_FILE}

ParameterValues = dict[str, tuple[IRParameter, ParameterValue]]


class LocalRunService:
    def __init__(
        self,
        *,
        root: ServerRoot,
        runs_root: str,
        runner_class: type[LocalRunner] = SubprocessLocalRunner,
        python: str = sys.executable,
        max_parallelism: int = 1,
        log: logging.Logger | None = None,
        config=None,
    ) -> None:
        self.root = root
        self.runs_root_setting = runs_root
        self.runs_root = root.resolve(runs_root, what="runs root", property="runs_root")
        if self.runs_root == root.path:
            raise InvalidRequest("the runs root must be a folder below the server root, not the root itself")
        self.runner_class = runner_class
        self.python = python
        self.max_parallelism = max(1, int(max_parallelism))
        self.log = log or logging.getLogger(__name__)
        self.config = config
        self.store = RunStore(self.runs_root, self.log)
        self.active: dict[str, tuple[LocalRunner, asyncio.Task]] = {}
        self._interpreter: Interpreter | None = None

    # ---- starting runs --------------------------------------------------------------

    def validate(self, request: CreateLocalRun, rerun: bool = False) -> tuple[Path, ParameterValues]:
        """Everything that can be refused before the run exists (400s name node and property).

        A rerun keeps the pipeline path it recorded even if that file is gone since.
        """
        pipeline_file = self.root.resolve(
            request.pipeline_path, what="pipeline file", property="pipeline_path"
        )
        if not rerun and not pipeline_file.is_file():
            raise InvalidRequest(
                f"pipeline file '{request.pipeline_path}' does not exist", property="pipeline_path"
            )
        values = resolve_parameters(request.ir, request.parameters)
        for node in request.ir.nodes:
            base = node.base_dir.strip("/")
            check_relative(node.file, what=f"node '{node.display}': file", node_id=node.id, property="filename")
            if base and not node.file.startswith(base + "/"):
                raise InvalidRequest(
                    f"node '{node.display}': file '{node.file}' is not inside its folder '{node.base_dir}'",
                    node_id=node.id,
                    property="filename",
                )
            source_files(node, self.root)  # file and dependencies exist, stay inside the root
            for output in node.outputs:
                check_relative(output, what=f"node '{node.display}': declared output", node_id=node.id, property="outputs")
            for name in node.parameters:
                parameter, value = values[name]
                if parameter.required and value is None:
                    raise InvalidRequest(
                        f"node '{node.display}': required parameter '{name}' has no value",
                        node_id=node.id,
                        property="pipeline_parameters",
                    )
        for upload in request.uploads:
            if isinstance(upload, FilesUpload):
                self.root.resolve(upload.base_dir, what="upload folder", node_id=upload.node_id, property="dependencies", allow_root=True)
                for pattern in upload.patterns:
                    check_relative(pattern, what="upload pattern", node_id=upload.node_id, property="dependencies")
            else:
                check_relative(upload.key, what="upload key", property="uploads")
        return pipeline_file, values

    def create(
        self, request: CreateLocalRun, *, pipeline_source: Path | None = None, rerun_of: str | None = None
    ) -> tuple[RunRecord, ParameterValues]:
        """Validate, then create the run folder with run.json (all nodes pending).

        `pipeline_source`: the pipeline file to copy and hash, if not the one at
        `request.pipeline_path` (a rerun: the copy in the run it repeats).
        """
        pipeline_file, values = self.validate(request, rerun=pipeline_source is not None)
        source = pipeline_source or pipeline_file
        ir = request.ir
        run_id = self.store.new_run_id()
        run_dir = self.store.run_dir(ir.name, run_id)
        run_dir.mkdir(parents=True)
        data = source.read_bytes()
        copy_name = pipeline_file.name if pipeline_file.name not in _RESERVED else f"pipeline-{pipeline_file.name}"
        shutil.copy2(source, run_dir / copy_name)
        atomic_write_json(run_dir / IR_FILE, ir.model_dump(mode="json", by_alias=True))
        record = RunRecord(
            id=run_id,
            backend="local",
            pipeline_name=ir.name,
            display_name=ir.display_name or ir.name,
            pipeline_path=self.root.relative(pipeline_file),
            pipeline_sha256=hashlib.sha256(data).hexdigest(),
            pipeline_copy_path=self.root.relative(run_dir / copy_name),
            created=utcnow(),
            parameters=[RunParameter(name=p.name, type=p.type, value=v) for p, v in values.values()],
            max_parallelism=self.max_parallelism,
            interpreter=self.interpreter(),
            rerun_of=rerun_of,
            artifacts_path=self.root.relative(run_dir),
            nodes=[
                DescribeNode(
                    id=n.id,
                    label=n.display,
                    task_name=n.task_name,
                    kind=n.kind,
                    file=n.file,
                    artifacts_path=self.root.relative(run_dir / n.task_name),
                )
                for n in ir.nodes
            ],
        )
        self.store.claim(record)
        self.store.save(record)
        return record, values

    def runner_for(
        self, record: RunRecord, ir: IRPipeline, values: ParameterValues, listeners: list[NodeListener] | None = None
    ) -> LocalRunner:
        return self.runner_class(
            record=record,
            ir=ir,
            parameters=values,
            root=self.root,
            store=self.store,
            python=self.python,
            max_parallelism=self.max_parallelism,
            listeners=listeners,
            config=self.config,
            log=self.log,
        )

    def start(self, request: CreateLocalRun, listeners: list[NodeListener] | None = None) -> RunRecord:
        """Create the run and execute it in the background on the running event loop."""
        return self._launch(request, self.create(request), listeners)

    def rerun(self, run_id: str, listeners: list[NodeListener] | None = None) -> RunRecord:
        """A new run of a finished local run: the pipeline as it was compiled then (its
        ir.json and pipeline copy), the same parameter values, the current node files."""
        record = self.describe(run_id)
        if record.status not in FINISHED_RUN:
            raise Conflict(f"run '{run_id}' is {record.status.value}; wait for it or cancel it first", reason="run_active")
        run_dir = self.store.run_dir(record.pipeline_name, record.id)
        try:
            ir = IRPipeline.model_validate_json((run_dir / IR_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise Conflict(f"run '{run_id}' cannot be repeated: its {IR_FILE} is unreadable ({e})",
                           reason="run_not_repeatable") from e
        copy = self.root.resolve(record.pipeline_copy_path or "", what="pipeline copy", allow_root=True)
        if not record.pipeline_copy_path or not copy.is_file():
            raise Conflict(f"run '{run_id}' cannot be repeated: its copy of the pipeline file is gone",
                           reason="run_not_repeatable")
        request = CreateLocalRun(
            ir=ir,
            pipeline_path=record.pipeline_path,
            parameters={p.name: p.value for p in record.parameters},
        )
        return self._launch(request, self.create(request, pipeline_source=copy, rerun_of=record.id), listeners)

    def _launch(
        self,
        request: CreateLocalRun,
        created: tuple[RunRecord, ParameterValues],
        listeners: list[NodeListener] | None,
    ) -> RunRecord:
        record, values = created
        runner = self.runner_for(record, request.ir, values, listeners)
        task = asyncio.ensure_future(runner.run())
        self.active[record.id] = (runner, task)
        task.add_done_callback(lambda _: self.active.pop(record.id, None))
        return record.model_copy(deep=True)

    def interpreter(self) -> Interpreter:
        if self._interpreter is None:
            if not Path(self.python).is_file():
                raise Unavailable(f"the Python interpreter for local runs does not exist: {self.python}")
            if self.python == sys.executable:
                version = sys.version.split()[0]
            else:
                out = subprocess.run(
                    [self.python, "-c", "import sys; print(sys.version.split()[0])"],
                    capture_output=True, text=True, timeout=30, check=False,
                )
                version = out.stdout.strip() or "unknown"
            self._interpreter = Interpreter(python=self.python, version=version)
        return self._interpreter

    # ---- reading runs ---------------------------------------------------------------

    def describe(self, run_id: str) -> RunRecord:
        if run_id in self.active:
            return self.active[run_id][0].record.model_copy(deep=True)
        return self._settle(self.store.load(run_id))

    def list(self, query: ListRunsQuery) -> list[RunSummary]:
        records = {r.id: self._settle(r) for r in self.store.list()}
        for run_id, (runner, _) in self.active.items():
            records[run_id] = runner.record.model_copy(deep=True)
        wanted = query.pipeline_path and PurePosixPath(query.pipeline_path).as_posix()
        selected = [
            r
            for r in records.values()
            if (not wanted or r.pipeline_path == wanted) and (not query.status or r.status == query.status)
        ]
        selected.sort(key=lambda r: r.created, reverse=True)
        return [summary(r) for r in selected[: query.limit]]

    def read_log(self, run_id: str, task_name: str, offset: int = 0, limit: int = LOG_CHUNK_DEFAULT) -> NodeLog:
        record = self.describe(run_id)
        node = next((n for n in record.nodes if n.task_name == task_name), None)
        if node is None:
            raise NotFound(f"run '{run_id}' has no node '{task_name}'", reason="node_not_found")
        if offset < 0:
            raise InvalidRequest("offset must be >= 0", property="offset")
        limit = max(1, min(limit, LOG_CHUNK_MAX))
        path = self.store.run_dir(record.pipeline_name, record.id) / task_name / "run.log"
        size, chunk = 0, b""
        if path.is_file():
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if offset < size:
                    f.seek(offset)
                    chunk = f.read(limit)
        text, used = decode_utf8_prefix(chunk)
        return NodeLog(
            task_name=task_name,
            offset=offset,
            next_offset=offset + used,
            size=size,
            content=text,
            complete=node.status in FINISHED_NODE and offset + used >= size,
        )

    def _settle(self, record: RunRecord) -> RunRecord:
        """A run left pending/running by a process that is gone becomes interrupted."""
        if record.status in FINISHED_RUN or record.id in self.active:
            return record
        ours_but_lost = record.pid == os.getpid()  # same pid, not active: a previous life
        if ours_but_lost or not executor_alive(record):
            return self.store.mark_interrupted(
                record, "interrupted: the process running it stopped (server restart?)"
            )
        return record

    def recover(self) -> int:
        """At server start: settle every unfinished run on disk. Returns how many changed."""
        changed = 0
        for record in self.store.list():
            if record.status not in FINISHED_RUN and self._settle(record).status == RunStatus.interrupted:
                changed += 1
        return changed

    # ---- changing runs --------------------------------------------------------------

    async def cancel(self, run_id: str) -> RunRecord:
        if run_id in self.active:
            runner, _ = self.active[run_id]
            runner.cancel()
            return runner.record.model_copy(deep=True)
        record = self.describe(run_id)
        if record.status in FINISHED_RUN:
            raise Conflict(f"run '{run_id}' already finished ({record.status.value})", reason="run_finished")
        # Executed by another process on this host (the CLI): it cancels on SIGTERM.
        if record.pid and executor_alive(record):
            try:
                os.kill(record.pid, signal.SIGTERM)
            except OSError as e:
                raise Conflict(f"cannot signal the process running '{run_id}': {e}") from e
        return record

    def delete(self, run_id: str) -> None:
        record = self.describe(run_id)
        if record.status not in FINISHED_RUN:
            raise Conflict(f"run '{run_id}' is {record.status.value}; cancel it first", reason="run_active")
        shutil.rmtree(self.store.run_dir(record.pipeline_name, record.id))

    async def shutdown(self, timeout: float = 15.0) -> None:
        """Server stopping: stop our runs and record them as interrupted."""
        for run_id, (runner, task) in list(self.active.items()):
            runner.cancel()
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - best effort at exit
                self.log.warning("local run %s did not stop in %ss", run_id, timeout)
            if runner.record.status not in (RunStatus.succeeded, RunStatus.failed):
                self.store.mark_interrupted(runner.record, "interrupted: the Jupyter server stopped")


def resolve_parameters(ir: IRPipeline, overrides: dict[str, ParameterValue]) -> ParameterValues:
    """Each pipeline parameter with its effective value: the override, else the IR's."""
    known = {p.name: p for p in ir.parameters}
    for name in overrides:
        if name not in known:
            raise InvalidRequest(f"unknown pipeline parameter '{name}'", property="pipeline_parameters")
    values: ParameterValues = {}
    for name, parameter in known.items():
        value = overrides[name] if name in overrides else parameter.value
        values[name] = (parameter, coerce(parameter, value))
    return values


def coerce(parameter: IRParameter, value: ParameterValue) -> ParameterValue:
    if value is None:
        return None
    kind = parameter.type
    try:
        if kind == ParameterType.Bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "1", "yes"):
                return True
            if text in ("false", "0", "no"):
                return False
            raise ValueError
        if isinstance(value, bool):
            raise ValueError
        if kind == ParameterType.Integer:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value)
        if kind == ParameterType.Float:
            return float(value)
        return value if isinstance(value, str) else str(value)
    except (TypeError, ValueError):
        raise InvalidRequest(
            f"parameter '{parameter.name}': {value!r} is not a valid {kind.value}",
            property="pipeline_parameters",
        ) from None


def summary(record: RunRecord) -> RunSummary:
    return RunSummary(
        id=record.id,
        backend=record.backend,
        pipeline_name=record.pipeline_name,
        display_name=record.display_name,
        pipeline_path=record.pipeline_path,
        status=record.status,
        created=record.created,
        started=record.started,
        finished=record.finished,
        duration_seconds=record.duration_seconds,
        artifacts_path=record.artifacts_path,
        node_counts=dict(Counter(n.status.value for n in record.nodes)),
    )


def decode_utf8_prefix(chunk: bytes) -> tuple[str, int]:
    """Decode a log slice without splitting a multi-byte character at its end."""
    for cut in range(0, min(4, len(chunk) + 1)):
        part = chunk[: len(chunk) - cut]
        try:
            return part.decode("utf-8"), len(part)
        except UnicodeDecodeError as e:
            if e.start < len(part) - 3:
                break  # invalid bytes in the middle: not a boundary problem
    return chunk.decode("utf-8", errors="replace"), len(chunk)
