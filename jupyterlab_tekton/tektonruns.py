"""The Tekton-run service behind /tekton/runs/tekton/…: submit, list, describe, logs, cancel, rerun.

Everything is read from the cluster on demand (the cluster is the record), in threads,
with the cluster's timeouts, so the event loop never waits on a slow API server. Calls
are cheap for polling: a run's detail is one GET of the PipelineRun plus one LIST of its
TaskRuns; a list is one LIST per runtime configuration. What never changes is cached in
memory: a run's node list (read once from `_pipeline/ir.json` in object storage) and the
logs of containers that have terminated.

A submit returns as soon as the PipelineRun exists (pending); its files are uploaded in
the background and the run's detail shows the upload's progress (`upload`) until Tekton
starts it. A failed upload deletes the pending run; the failure stays visible in the
detail and the list for `FAILED_SUBMISSION_TTL` seconds.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from pathlib import PurePosixPath
from typing import Any

from .config import RuntimeConfigStore, StoredRuntimeConfig
from .errors import Conflict, InvalidRequest, NotFound, TektonError
from .kube import MANAGED_BY_LABEL, MANAGED_BY_VALUE, PIPELINE_LABEL, TektonCluster
from .models import (
    FINISHED_NODE,
    FINISHED_RUN,
    CheckRuntimeConfigResponse,
    ConnectionCheck,
    CreateTektonRun,
    DescribeRun,
    IRPipeline,
    ListRunsError,
    ListRunsQuery,
    NodeLog,
    ParameterType,
    RunLinks,
    RunParameter,
    RunStatus,
    RunSummary,
    UploadState,
)
from .paths import ServerRoot
from .runs import LOG_CHUNK_DEFAULT, LOG_CHUNK_MAX, decode_utf8_prefix
from .storage import ObjectStorage
from .submit import IR_KEY, Resubmission, Submission
from .tektonstatus import (
    DISPLAY_NAME_ANNOTATION,
    PIPELINE_PATH_ANNOTATION,
    NodeInfo,
    annotation,
    describe_nodes,
    is_ours,
    node_counts,
    nodes_from_spec,
    parse_time,
    pipeline_name,
    run_status,
    seconds_between,
    succeeded_condition,
    task_runs_by_task,
    utcnow,
)

FAILED_SUBMISSION_TTL = 3600.0
# A container log is read from its start up to this many bytes (more is cut, with a note).
CONTAINER_LOG_CAP = 8 * 1024 * 1024
_LOG_CACHE_BYTES = 64 * 1024 * 1024
_NODE_CACHE_RUNS = 512
_FALLBACK_RETRY_S = 60.0
STEPS = ("fetch", "run", "save")


class TektonRunService:
    def __init__(
        self,
        *,
        configs: RuntimeConfigStore,
        root: ServerRoot,
        cluster_class: type[TektonCluster],
        storage_class: type[ObjectStorage],
        parent: Any = None,
        log: logging.Logger | None = None,
        list_error_ttl: float = 10.0,
    ) -> None:
        self.configs = configs
        self.root = root
        self.cluster_class = cluster_class
        self.storage_class = storage_class
        self.parent = parent
        self.log = log or logging.getLogger(__name__)
        self.list_error_ttl = list_error_ttl
        self._clusters: dict[str, tuple[Any, TektonCluster]] = {}
        self._storages: dict[str, tuple[Any, ObjectStorage]] = {}
        self._nodes: OrderedDict[tuple[str, str, str], tuple[float | None, list[NodeInfo], dict[str, str]]] = OrderedDict()
        self._logs: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
        self._log_bytes = 0
        self._list_errors: dict[str, tuple[float, ListRunsError]] = {}
        # One LIST per configuration at a time: concurrent polls share it (a slow cluster
        # must not tie up a thread per poll).
        self._listing: dict[tuple[str, str], asyncio.Future] = {}
        # (config, run name) -> submission still uploading, or failed/cancelled recently.
        self.submissions: dict[tuple[str, str], tuple[Submission, asyncio.Task | None, float]] = {}

    # ---- services per runtime configuration --------------------------------------------

    def _config(self, name: str) -> StoredRuntimeConfig:
        return self.configs.load(name)

    def cluster(self, rc: StoredRuntimeConfig) -> TektonCluster:
        version = rc.updated
        cached = self._clusters.get(rc.name)
        if cached and cached[0] == version:
            return cached[1]
        if cached:
            cached[1].close()
        cluster = self.cluster_class(rc, parent=self.parent) if self.parent else self.cluster_class(rc)
        self._clusters[rc.name] = (version, cluster)
        return cluster

    def storage(self, rc: StoredRuntimeConfig) -> ObjectStorage:
        cached = self._storages.get(rc.name)
        if cached and cached[0] == rc.updated:
            return cached[1]
        storage = self.storage_class(rc, parent=self.parent) if self.parent else self.storage_class(rc)
        self._storages[rc.name] = (rc.updated, storage)
        return storage

    # ---- submit / rerun ---------------------------------------------------------------

    async def submit(self, request: CreateTektonRun, wait: bool = False, listeners=None) -> DescribeRun:
        """Create the pending PipelineRun and return it; upload and start in the background
        (or before returning, with `wait`: then an upload failure is raised)."""
        rc = self._config(request.runtime_config)
        submission = Submission(
            request=request, runtime_config=rc, cluster=self.cluster(rc), storage=self.storage(rc),
            root=self.root, log=self.log,
        )
        return await self._launch(rc, submission, wait, listeners)

    async def rerun(self, config: str, name: str, wait: bool = False) -> DescribeRun:
        rc = self._config(config)
        cluster = self.cluster(rc)
        previous = await asyncio.to_thread(cluster.get_pipeline_run, name)
        submission = Resubmission(
            previous=previous, runtime_config=rc, cluster=cluster, storage=self.storage(rc), root=self.root, log=self.log
        )
        return await self._launch(rc, submission, wait, None)

    async def _launch(self, rc: StoredRuntimeConfig, submission: Submission, wait: bool, listeners) -> DescribeRun:
        submission.listeners.extend(listeners or [])
        await asyncio.to_thread(submission.prepare)
        created = await asyncio.to_thread(submission.create)
        key = (rc.name, submission.name)
        if submission.ir.nodes:
            self._remember_nodes(rc, submission.name, submission.ir)
        if wait:
            self.submissions[key] = (submission, None, time.monotonic())
            try:
                await asyncio.to_thread(submission.finish)
            finally:
                self.submissions.pop(key, None)
            return await self.describe(rc.name, submission.name)
        task = asyncio.ensure_future(self._finish(submission))
        self.submissions[key] = (submission, task, time.monotonic())
        return self._describe(rc, created, [], self._known_nodes(rc, created), submission)

    async def _finish(self, submission: Submission) -> None:
        try:
            await asyncio.to_thread(submission.finish)
        except TektonError as e:
            self.log.warning("Tekton run %s/%s not started: %s", submission.namespace, submission.name, e.message)
            return  # kept in self.submissions: its detail says what failed
        except Exception:  # noqa: BLE001 - a bug must not leave the run pending forever
            self.log.exception("submitting %s/%s failed", submission.namespace, submission.name)
            try:
                await asyncio.to_thread(submission.abandon, Conflict("internal error while uploading"))
            except Exception:  # noqa: BLE001
                pass
            return
        self.submissions.pop((submission.runtime_config.name, submission.name), None)

    def _submission(self, config: str, name: str) -> Submission | None:
        now = time.monotonic()
        for key, (_, task, since) in list(self.submissions.items()):
            if task is not None and task.done() and now - since > FAILED_SUBMISSION_TTL:
                del self.submissions[key]
        entry = self.submissions.get((config, name))
        return entry[0] if entry else None

    # ---- reading runs -----------------------------------------------------------------

    async def describe(self, config: str, name: str) -> DescribeRun:
        rc = self._config(config)
        cluster = self.cluster(rc)
        submission = self._submission(config, name)
        try:
            pipeline_run = await asyncio.to_thread(cluster.get_pipeline_run, name)
        except NotFound as e:
            if submission is not None and submission.created is not None:
                return self._describe(rc, submission.created, [], self._known_nodes(rc, submission.created), submission)
            raise NotFound(
                f"no Tekton run '{name}' in namespace '{rc.namespace}' (runtime configuration '{config}')",
                reason="run_not_found",
                api_message=e.extra.get("api_message"),
            ) from None
        self._check_ours(pipeline_run, config)
        status, _ = run_status(pipeline_run)
        task_runs = [] if status == RunStatus.pending else await asyncio.to_thread(cluster.list_task_runs, name)
        nodes = await self._nodes_of(rc, pipeline_run)
        return self._describe(rc, pipeline_run, task_runs, nodes, submission)

    async def list(self, query: ListRunsQuery) -> tuple[list[RunSummary], list[ListRunsError]]:
        if query.runtime_config:
            self._config(query.runtime_config)  # 404 for an unknown name
            names = [query.runtime_config]
        else:
            names = [c.name for c in self.configs.list()]
        results = await asyncio.gather(*(self._list_one(n, query) for n in names))
        runs: list[RunSummary] = []
        errors: list[ListRunsError] = []
        seen: set[str] = set()
        for found, error in results:
            if error:
                errors.append(error)
            for uid, summary in found:
                if uid not in seen:  # two configurations may name the same namespace
                    seen.add(uid)
                    runs.append(summary)
        runs.sort(key=lambda r: r.created, reverse=True)
        return runs[: query.limit], errors

    async def _list_one(self, config: str, query: ListRunsQuery) -> tuple[list[tuple[str, RunSummary]], ListRunsError | None]:
        cached = self._list_errors.get(config)
        if cached and time.monotonic() - cached[0] < self.list_error_ttl:
            return [], cached[1]
        selector = f"{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}"
        if query.pipeline_name:
            selector += f",{PIPELINE_LABEL}={query.pipeline_name}"
        try:
            rc = self._config(config)
            key = (config, selector)
            pending = self._listing.get(key)
            if pending is None:
                pending = asyncio.ensure_future(asyncio.to_thread(self.cluster(rc).list_pipeline_runs, selector))
                self._listing[key] = pending
                pending.add_done_callback(lambda _: self._listing.pop(key, None))
            items = await asyncio.shield(pending)
        except TektonError as e:
            error = ListRunsError(runtime_config=config, message=e.message, reason=e.reason)
            self._list_errors[config] = (time.monotonic(), error)
            return [], error
        self._list_errors.pop(config, None)
        found = []
        for pr in items:
            if not is_ours(pr):
                continue
            summary = self._summary(rc, pr)
            if self._selected(summary, query):
                found.append((pr["metadata"].get("uid") or summary.id, summary))
        for (cfg, name), (submission, task, _) in list(self.submissions.items()):
            # Runs whose upload failed are gone from the cluster; show why for a while.
            if cfg == config and task is not None and task.done() and submission.created is not None:
                if submission.progress.state in (UploadState.failed,):
                    summary = self._summary(rc, submission.created, submission)
                    if self._selected(summary, query) and all(s.id != name for _, s in found):
                        found.append((submission.created["metadata"].get("uid") or name, summary))
        return found, None

    @staticmethod
    def _selected(summary: RunSummary, query: ListRunsQuery) -> bool:
        if query.pipeline_path and summary.pipeline_path != PurePosixPath(query.pipeline_path).as_posix():
            return False
        if query.pipeline_name and summary.pipeline_name != query.pipeline_name:
            return False
        return not query.status or summary.status == query.status

    async def read_log(
        self, config: str, name: str, task: str, offset: int = 0, limit: int = LOG_CHUNK_DEFAULT, step: str | None = None
    ) -> NodeLog:
        if offset < 0:
            raise InvalidRequest("offset must be >= 0", property="offset")
        if step is not None and step not in STEPS:
            raise InvalidRequest(f"step must be one of {', '.join(STEPS)}", property="step")
        limit = max(1, min(limit, LOG_CHUNK_MAX))
        rc = self._config(config)
        cluster = self.cluster(rc)
        task_runs = await asyncio.to_thread(cluster.list_task_runs, name, task)
        task_run = task_runs_by_task(task_runs).get(task)
        if task_run is None:
            run = await self.describe(config, name)
            node = next((n for n in run.nodes if n.task_name == task), None)
            if node is None:
                raise NotFound(f"run '{name}' has no node '{task}'", reason="node_not_found")
            return NodeLog(task_name=task, offset=offset, next_offset=offset, size=0, content="",
                           complete=node.status in FINISHED_NODE)
        data = await asyncio.to_thread(self._task_log, rc, cluster, task_run, step)
        chunk = data[offset: offset + limit]
        text, used = decode_utf8_prefix(chunk)
        cond = succeeded_condition(task_run) or {}
        finished = cond.get("status") in ("True", "False")
        return NodeLog(
            task_name=task, offset=offset, next_offset=offset + used, size=len(data), content=text,
            complete=finished and offset + used >= len(data),
        )

    def _task_log(self, rc: StoredRuntimeConfig, cluster: TektonCluster, task_run: dict, step: str | None) -> bytes:
        """The steps' container logs, each under a header line; object storage's run.log when
        the pod is gone."""
        status = task_run.get("status") or {}
        pod = status.get("podName")
        states = {s.get("name"): s for s in status.get("steps") or []}
        parts: list[bytes] = []
        if not pod:
            return b""
        for name in STEPS if step is None else (step,):
            state = states.get(name)
            if state is None or not (state.get("running") or state.get("terminated")):
                break  # not started yet; later steps cannot have started either
            container = state.get("container") or f"step-{name}"
            try:
                log = self._container_log(cluster, pod, container, terminated=bool(state.get("terminated")))
            except NotFound:
                return self._stored_log(rc, task_run)
            header = f"── {name} ──\n".encode() if step is None else b""
            if log and not log.endswith(b"\n"):
                log += b"\n"
            parts.append(header + log)
        return b"".join(parts)

    def _container_log(self, cluster: TektonCluster, pod: str, container: str, terminated: bool) -> bytes:
        key = (cluster.namespace, pod, container)
        if key in self._logs:
            self._logs.move_to_end(key)
            return self._logs[key]
        data = cluster.read_log(pod, container, limit_bytes=CONTAINER_LOG_CAP)
        if len(data) >= CONTAINER_LOG_CAP:
            data = data[:CONTAINER_LOG_CAP] + f"\n[log cut at {CONTAINER_LOG_CAP} bytes]\n".encode()
        if terminated:  # it will not change any more
            self._logs[key] = data
            self._log_bytes += len(data)
            while self._log_bytes > _LOG_CACHE_BYTES and self._logs:
                _, dropped = self._logs.popitem(last=False)
                self._log_bytes -= len(dropped)
        return data

    def _stored_log(self, rc: StoredRuntimeConfig, task_run: dict) -> bytes:
        labels = (task_run.get("metadata") or {}).get("labels") or {}
        pipeline = labels.get(PIPELINE_LABEL)
        run, task = labels.get("tekton.dev/pipelineRun"), labels.get("tekton.dev/pipelineTask")
        note = b"[the pod is gone; this is run.log as the save step stored it in object storage]\n"
        if not (pipeline and run and task):
            return note
        try:
            return note + self.storage(rc).download(f"{pipeline}/{run}/{task}/run.log")
        except TektonError as e:
            return note + f"[run.log could not be read: {e.message}]\n".encode()

    # ---- changing runs ----------------------------------------------------------------

    async def cancel(self, config: str, name: str) -> DescribeRun:
        rc = self._config(config)
        cluster = self.cluster(rc)
        pipeline_run = await asyncio.to_thread(cluster.get_pipeline_run, name)
        self._check_ours(pipeline_run, config)
        status, _ = run_status(pipeline_run)
        if status in FINISHED_RUN:
            raise Conflict(f"run '{name}' already finished ({status.value})", reason="run_finished")
        submission = self._submission(config, name)
        if submission is not None:
            submission.stop("the run was cancelled", delete=False)
        await asyncio.to_thread(cluster.patch_pipeline_run, name, {"spec": {"status": "Cancelled"}})
        return await self.describe(config, name)

    async def delete(self, config: str, name: str) -> None:
        rc = self._config(config)
        cluster = self.cluster(rc)
        try:
            pipeline_run = await asyncio.to_thread(cluster.get_pipeline_run, name)
        except NotFound:
            submission = self._submission(config, name)
            if submission is not None and submission.progress.state == UploadState.failed:
                del self.submissions[(config, name)]  # a failed submit: dismissed
                return
            raise
        self._check_ours(pipeline_run, config)
        status, _ = run_status(pipeline_run)
        if status not in FINISHED_RUN:
            raise Conflict(f"run '{name}' is {status.value}; cancel it first", reason="run_active")
        await asyncio.to_thread(cluster.delete_pipeline_run, name)
        self._nodes.pop((config, rc.namespace, name), None)

    async def check(self, config: str) -> ConnectionCheck:
        rc = self._config(config)
        try:
            cluster = self.cluster(rc)
            return await asyncio.to_thread(cluster.check)
        except TektonError as e:
            return ConnectionCheck(ok=False, message=e.message)

    async def check_all(self, config: str, create_bucket: bool = False) -> CheckRuntimeConfigResponse:
        """"Test connection": the bucket and the cluster, checked at the same time."""
        rc = self._config(config)

        async def storage_check() -> ConnectionCheck:
            try:
                return await asyncio.to_thread(self.storage(rc).check, create_bucket)
            except TektonError as e:
                return ConnectionCheck(ok=False, message=e.message)

        storage, kubernetes = await asyncio.gather(storage_check(), self.check(config))
        return CheckRuntimeConfigResponse(storage=storage, kubernetes=kubernetes)

    async def shutdown(self, timeout: float = 10.0) -> None:
        """Server stopping: stop uploads (their pending runs are deleted), close clients."""
        active = [(s, t) for s, t, _ in self.submissions.values() if t is not None and not t.done()]
        for submission, _ in active:
            submission.stop("the Jupyter server is stopping")
        if active:
            await asyncio.wait([t for _, t in active], timeout=timeout)
        for _, cluster in self._clusters.values():
            cluster.close()
        self._clusters.clear()

    # ---- mapping ----------------------------------------------------------------------

    def _check_ours(self, pipeline_run: dict, config: str) -> None:
        if not is_ours(pipeline_run):
            raise NotFound(
                f"PipelineRun '{pipeline_run['metadata']['name']}' was not submitted by jupyterlab-tekton",
                reason="run_not_found",
            )

    def _remember_nodes(self, rc: StoredRuntimeConfig, name: str, ir: IRPipeline) -> None:
        nodes = [
            NodeInfo(id=n.id, label=n.display, task_name=n.task_name, kind=n.kind.value, file=n.file, base_dir=n.base_dir)
            for n in ir.nodes
        ]
        types = {p.name: p.type.value for p in ir.parameters}
        self._nodes[(rc.name, rc.namespace, name)] = (None, nodes, types)
        while len(self._nodes) > _NODE_CACHE_RUNS:
            self._nodes.popitem(last=False)

    def _known_nodes(self, rc: StoredRuntimeConfig, pipeline_run: dict) -> list[NodeInfo]:
        cached = self._nodes.get((rc.name, rc.namespace, pipeline_run["metadata"]["name"]))
        return cached[1] if cached else nodes_from_spec(pipeline_run)

    async def _nodes_of(self, rc: StoredRuntimeConfig, pipeline_run: dict) -> list[NodeInfo]:
        """The run's nodes from its stored IR (once), else from the PipelineRun's spec."""
        name = pipeline_run["metadata"]["name"]
        key = (rc.name, rc.namespace, name)
        cached = self._nodes.get(key)
        if cached and (cached[0] is None or time.monotonic() - cached[0] < _FALLBACK_RETRY_S):
            self._nodes.move_to_end(key)
            return cached[1]
        try:
            raw = await asyncio.to_thread(self.storage(rc).download, f"{pipeline_name(pipeline_run)}/{name}/{IR_KEY}")
            ir = IRPipeline.model_validate(json.loads(raw))
            self._remember_nodes(rc, name, ir)
            return self._nodes[key][1]
        except (TektonError, ValueError) as e:
            self.log.debug("no stored IR for %s: %s", name, e)
            nodes = nodes_from_spec(pipeline_run)
            self._nodes[key] = (time.monotonic(), nodes, {})
            return nodes

    def _links(self, rc: StoredRuntimeConfig, name: str) -> RunLinks | None:
        ns = rc.namespace
        dashboard = f"{rc.dashboard_url.rstrip('/')}/#/namespaces/{ns}/pipelineruns/{name}" if rc.dashboard_url else None
        console = f"{rc.console_url.rstrip('/')}/k8s/ns/{ns}/tekton.dev~v1~PipelineRun/{name}" if rc.console_url else None
        return RunLinks(dashboard=dashboard, console=console) if dashboard or console else None

    def _common(self, rc: StoredRuntimeConfig, pipeline_run: dict, submission: Submission | None) -> dict[str, Any]:
        meta = pipeline_run.get("metadata") or {}
        status = pipeline_run.get("status") or {}
        name = meta["name"]
        run, message = run_status(pipeline_run)
        if submission is not None and submission.progress.state == UploadState.failed:
            run, message = RunStatus.failed, submission.progress.message
        elif submission is not None and submission.progress.state == UploadState.uploading:
            p = submission.progress
            message = f"uploading its files: {p.files_done}/{p.files_total} files, {p.bytes_done}/{p.bytes_total} bytes"
        created = parse_time(meta.get("creationTimestamp")) or utcnow()
        started = parse_time(status.get("startTime"))
        finished = parse_time(status.get("completionTime")) if run in FINISHED_RUN else None
        pipeline = pipeline_name(pipeline_run)
        bucket = rc.bucket
        return {
            "id": name,
            "backend": "tekton",
            "pipeline_name": pipeline,
            "display_name": annotation(pipeline_run, DISPLAY_NAME_ANNOTATION) or pipeline,
            "pipeline_path": annotation(pipeline_run, PIPELINE_PATH_ANNOTATION) or "",
            "status": run,
            "message": message,
            "created": created,
            "started": started,
            "finished": finished,
            "duration_seconds": seconds_between(started, finished),
            "runtime_config": rc.name,
            "namespace": meta.get("namespace") or rc.namespace,
            "links": self._links(rc, name),
            "artifacts_uri": f"s3://{bucket}/{pipeline}/{name}/" if bucket and pipeline else None,
        }

    def _describe(
        self,
        rc: StoredRuntimeConfig,
        pipeline_run: dict,
        task_runs: list[dict],
        nodes: list[NodeInfo],
        submission: Submission | None,
    ) -> DescribeRun:
        common = self._common(rc, pipeline_run, submission)
        types = (self._nodes.get((rc.name, rc.namespace, common["id"])) or (None, [], {}))[2]
        parameters = [
            RunParameter(name=p.get("name", ""), type=ParameterType(types.get(p.get("name"), "String")), value=p.get("value"))
            for p in (pipeline_run.get("spec") or {}).get("params") or []
            if isinstance(p.get("value"), (str, int, float, bool, type(None)))
        ]
        described = describe_nodes(nodes, pipeline_run, task_runs, common["status"], common["artifacts_uri"])
        return DescribeRun(
            **common,
            parameters=parameters,
            nodes=described,
            upload=submission.progress if submission is not None else None,
        )

    def _summary(self, rc: StoredRuntimeConfig, pipeline_run: dict, submission: Submission | None = None) -> RunSummary:
        common = self._common(rc, pipeline_run, submission)
        cached = self._nodes.get((rc.name, rc.namespace, common["id"]))
        total = len(cached[1]) if cached else len(nodes_from_spec(pipeline_run))
        common.pop("message")
        common.pop("artifacts_uri")
        return RunSummary(**common, node_counts=node_counts(pipeline_run, total))

