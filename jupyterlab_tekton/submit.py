"""Submitting a compiled pipeline to Tekton, implemented once: POST /tekton/runs/tekton
(through tektonruns.py) and `python -m jupyterlab_tekton submit` both run a `Submission`.

The run id is the PipelineRun's name, which Kubernetes makes (`generateName`), and the
run's files live under `<bucket>/<ir.name>/<run id>/`. So:

1. `prepare()` refuses everything it can without side effects: the documents must be the
   Tekton v1 objects of this pipeline (PipelineRun last, the configuration's namespace),
   the pipeline file and every upload path must be inside the server root, the bucket
   must be reachable.
2. `create()` applies the Tasks and the Pipeline (separate-objects mode) and creates the
   PipelineRun with `spec.status: PipelineRunPending` (Tekton does not start it yet).
3. `upload()` puts the compile result's uploads under the run's prefix, plus
   `_pipeline/ir.json` and a copy of the `.pipeline` file (what ran: the Runs panel's
   node list, reruns), reporting progress.
4. `start()` removes the pending status with a JSON patch that first `test`s it is still
   pending, so a run cancelled during the upload stays cancelled.

`finish()` runs 3 and 4: when the upload fails, `abandon()` deletes the pending
PipelineRun and the error says what failed (a user's cancel keeps it, cancelled). `Resubmission` (rerun) is the same with the old run's spec and a copy of the
old run's files instead of the uploads.
"""
from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .config import StoredRuntimeConfig
from .errors import Conflict, InvalidRequest, NotFound, TektonError, Unavailable
from .kube import (
    API_VERSION,
    MANAGED_BY_LABEL,
    MANAGED_BY_VALUE,
    PENDING,
    PIPELINE_LABEL,
    PLURALS,
    TektonCluster,
)
from .models import ContentUpload, CreateTektonRun, IRPipeline, UploadProgressInfo, UploadState
from .paths import ServerRoot
from .storage import ObjectStorage, UploadItem, UploadProgress, plan_uploads
from .tektonstatus import (
    DISPLAY_NAME_ANNOTATION,
    PIPELINE_PATH_ANNOTATION,
    RERUN_OF_ANNOTATION,
    RUNTIME_CONFIG_ANNOTATION,
    is_ours,
)

RUN_INFO_DIR = "_pipeline"
IR_KEY = f"{RUN_INFO_DIR}/ir.json"
# What a rerun copies from the old run's prefix: everything the submitter put there.
SUBMITTED_PREFIXES = ("_tekton/", "_sources/", f"{RUN_INFO_DIR}/")

ProgressListener = Callable[[UploadProgressInfo], None]


class SubmissionCancelled(Conflict):
    """The upload was stopped (cancel requested, or the server is stopping)."""

    reason = "submission_cancelled"


class Submission:
    """One submit of a compiled pipeline with one runtime configuration."""

    def __init__(
        self,
        *,
        request: CreateTektonRun,
        runtime_config: StoredRuntimeConfig,
        cluster: TektonCluster,
        storage: ObjectStorage,
        root: ServerRoot,
        log: logging.Logger | None = None,
    ) -> None:
        self.request = request
        self.runtime_config = runtime_config
        self.cluster = cluster
        self.storage = storage
        self.root = root
        self.log = log or logging.getLogger(__name__)
        self.ir: IRPipeline = request.ir
        self.progress = UploadProgressInfo(state=UploadState.uploading)
        self.listeners: list[ProgressListener] = []
        self.name: str | None = None
        self.created: dict | None = None
        self.pipeline_run: dict = {}
        self.objects: list[dict] = []
        self._stop = threading.Event()
        self._stop_reason = ""
        self._delete_on_stop = True

    @property
    def namespace(self) -> str:
        return self.runtime_config.namespace

    @property
    def pipeline_name(self) -> str:
        return self.ir.name

    @property
    def run_prefix(self) -> str:
        assert self.name, "the PipelineRun has not been created yet"
        return f"{self.pipeline_name}/{self.name}"

    # ---- 1. prepare -----------------------------------------------------------------

    def prepare(self) -> None:
        self.objects, self.pipeline_run = check_documents(
            self.request.documents, self.ir, self.namespace, self.runtime_config.name
        )
        pipeline_file = self.root.resolve(self.request.pipeline_path, what="pipeline file", property="pipeline_path")
        if not pipeline_file.is_file():
            raise InvalidRequest(
                f"pipeline file '{self.request.pipeline_path}' does not exist", property="pipeline_path"
            )
        self.pipeline_path = self.root.relative(pipeline_file)
        self.pipeline_text = pipeline_file.read_text(encoding="utf-8", errors="replace")
        self.pipeline_basename = pipeline_file.name
        # Every path is checked (inside the root, files exist) before anything is created.
        plan_uploads(self._uploads(), f"{self.pipeline_name}/pending", self.root)
        metadata = self.pipeline_run["metadata"]
        metadata.setdefault("annotations", {}).update(
            {
                PIPELINE_PATH_ANNOTATION: self.pipeline_path,
                DISPLAY_NAME_ANNOTATION: self.ir.display_name or self.ir.name,
                RUNTIME_CONFIG_ANNOTATION: self.runtime_config.name,
            }
        )
        self.pipeline_run["spec"]["status"] = PENDING
        self.check_storage()

    def check_storage(self) -> None:
        check = self.storage.check(False)
        if not check.ok:
            raise Unavailable(
                f"object storage of runtime configuration '{self.runtime_config.name}' is not usable: "
                f"{check.message}",
                reason="storage_unavailable",
                property="bucket",
            )

    def _uploads(self) -> list:
        ir_json = self.ir.model_dump_json(by_alias=True, exclude_unset=True, indent=1)
        return [
            *self.request.uploads,
            ContentUpload(kind="content", key=IR_KEY, content=ir_json),
            ContentUpload(kind="content", key=f"{RUN_INFO_DIR}/{self.pipeline_basename}", content=self.pipeline_text),
        ]

    # ---- 2. create ------------------------------------------------------------------

    def create(self) -> dict:
        for obj in self.objects:
            self.cluster.apply(obj)
        self.created = self.cluster.create(self.pipeline_run)
        self.name = self.created["metadata"]["name"]
        return self.created

    # ---- 3. upload ------------------------------------------------------------------

    def upload(self) -> None:
        items = plan_uploads(self._uploads(), self.run_prefix, self.root)
        self._transfer(items, put=lambda item, on_bytes: self.storage.put(item, on_bytes))

    def _transfer(self, items: list, put: Callable[[Any, Callable[[int], None]], None]) -> None:
        """Put each item (`.key`, `.size`) with progress; stops between chunks when asked."""
        total = sum(item.size for item in items)
        done = 0
        self._report(UploadProgress("", 0, total, 0, len(items)))
        for index, item in enumerate(items):
            self._check_stop()

            def on_bytes(n: int, item: UploadItem = item, index: int = index) -> None:
                nonlocal done
                done += n
                self._check_stop()
                self._report(UploadProgress(item.key, done, total, index, len(items)))

            put(item, on_bytes)
            self._report(UploadProgress(item.key, done, total, index + 1, len(items)))

    def _report(self, p: UploadProgress) -> None:
        self.progress = UploadProgressInfo(
            state=UploadState.uploading,
            bytes_done=p.bytes_done,
            bytes_total=p.bytes_total,
            files_done=p.files_done,
            files_total=p.files_total,
            current_key=p.key or None,
        )
        self._notify()

    def _notify(self) -> None:
        for listener in self.listeners:
            listener(self.progress)

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise SubmissionCancelled(f"the upload of run '{self.name}' was stopped: {self._stop_reason}")

    # ---- 4. start -------------------------------------------------------------------

    def start(self) -> bool:
        """Let Tekton run it; False when it is no longer pending (cancelled meanwhile)."""
        patch = [
            {"op": "test", "path": "/spec/status", "value": PENDING},
            {"op": "remove", "path": "/spec/status"},
        ]
        try:
            self.cluster.patch_pipeline_run(self.name, patch)
        except InvalidRequest:
            # The `test` failed: someone changed spec.status (cancel) while we uploaded.
            current = self.cluster.get_pipeline_run(self.name)
            if (current.get("spec") or {}).get("status") == PENDING:
                raise
            self.progress = self.progress.model_copy(
                update={"state": UploadState.cancelled, "message": "cancelled before it started"}
            )
            self._notify()
            return False
        self.progress = self.progress.model_copy(update={"state": UploadState.done, "current_key": None})
        self._notify()
        return True

    # ---- failure and the whole flow ---------------------------------------------------

    def stop(self, reason: str, delete: bool = True) -> None:
        """Ask a running upload to stop at the next chunk (any thread); the pending
        PipelineRun is then deleted, or kept when the caller cancels it (`delete=False`)."""
        self._stop_reason = reason
        self._delete_on_stop = delete
        self._stop.set()

    def abandon(self, error: TektonError, delete: bool = True) -> None:
        """The upload failed: delete the pending PipelineRun (best effort) and record why."""
        note = ""
        if delete and self.name:
            try:
                self.cluster.delete_pipeline_run(self.name)
                note = "; the pending PipelineRun was deleted"
            except TektonError as e:
                note = f"; the pending PipelineRun '{self.name}' could not be deleted ({e.message}), cancel it"
                self.log.warning("could not delete pending PipelineRun %s/%s: %s", self.namespace, self.name, e.message)
        state = UploadState.cancelled if isinstance(error, SubmissionCancelled) else UploadState.failed
        self.progress = self.progress.model_copy(
            update={"state": state, "message": f"upload failed: {error.message}{note}"
                    if state == UploadState.failed else f"{error.message}{note}"}
        )
        self._notify()

    def finish(self) -> bool:
        """Upload and start a created run; on failure abandon it and raise what failed."""
        try:
            self.upload()
        except TektonError as e:
            self.abandon(e, delete=self._delete_on_stop if isinstance(e, SubmissionCancelled) else True)
            e.message = self.progress.message or e.message
            e.args = (e.message,)
            raise
        return self.start()


class Resubmission(Submission):
    """A rerun: the old run's spec (same parameters) as a new PipelineRun, its files copied."""

    def __init__(self, *, previous: dict, **kwargs: Any) -> None:
        self.previous = previous
        super().__init__(request=_placeholder_request(previous, kwargs["runtime_config"].name), **kwargs)

    def prepare(self) -> None:
        previous = self.previous
        if not is_ours(previous):
            raise InvalidRequest(
                f"PipelineRun '{previous['metadata']['name']}' was not submitted by jupyterlab-tekton; "
                "it cannot be rerun from here",
                reason="not_ours",
            )
        old_meta = previous["metadata"]
        labels = {k: v for k, v in (old_meta.get("labels") or {}).items() if not k.startswith("tekton.dev/")}
        annotations = {
            k: v for k, v in (old_meta.get("annotations") or {}).items() if k.startswith("jupyterlab-tekton/")
        }
        annotations[RERUN_OF_ANNOTATION] = old_meta["name"]
        annotations[RUNTIME_CONFIG_ANNOTATION] = self.runtime_config.name
        spec = copy.deepcopy(previous.get("spec") or {})
        spec["status"] = PENDING
        self.pipeline_run = {
            "apiVersion": API_VERSION,
            "kind": "PipelineRun",
            "metadata": {
                "generateName": f"{labels[PIPELINE_LABEL]}-",
                "namespace": self.namespace,
                "labels": labels,
                "annotations": annotations,
            },
            "spec": spec,
        }
        self.objects = []
        old_prefix = f"{self.pipeline_name}/{old_meta['name']}/"
        self.sources = [
            obj for part in SUBMITTED_PREFIXES for obj in self.storage.list(old_prefix + part)
        ]
        if not any(obj.key.startswith(old_prefix + "_tekton/") for obj in self.sources):
            raise NotFound(
                f"the files of run '{old_meta['name']}' are no longer in bucket '{self.storage.bucket}' "
                f"under {old_prefix}; submit the pipeline again instead",
                reason="run_files_missing",
            )
        self.old_prefix = old_prefix
        if any(obj.key == old_prefix + IR_KEY for obj in self.sources):
            try:  # the node list of the Runs panel, as it was submitted
                self.ir = IRPipeline.model_validate_json(self.storage.download(old_prefix + IR_KEY))
            except (ValueError, TektonError) as e:
                self.log.warning("rerun of %s: its ir.json is unreadable: %s", old_meta["name"], e)

    def upload(self) -> None:
        copies = [_Copy(f"{self.run_prefix}/{obj.key[len(self.old_prefix):]}", obj.size, obj.key) for obj in self.sources]

        def put(item: _Copy, on_bytes: Callable[[int], None]) -> None:
            self.storage.put(UploadItem(item.key, content=self.storage.download(item.source_key)), on_bytes)

        self._transfer(copies, put)


@dataclass
class _Copy:
    """One object of a rerun: copied from the old run's prefix (size known from the listing)."""

    key: str
    size: int
    source_key: str


def _placeholder_request(previous: dict, config_name: str) -> CreateTektonRun:
    """A rerun has no compile result; the IR only names the pipeline (for the prefix)."""
    name = ((previous.get("metadata") or {}).get("labels") or {}).get(PIPELINE_LABEL) or "unknown"
    return CreateTektonRun.model_construct(
        runtime_config=config_name,
        ir=IRPipeline.model_construct(name=name, display_name=name, parameters=[], nodes=[]),
        uploads=[],
        documents=[previous],
        pipeline_path="",
    )


def check_documents(
    documents: list[dict[str, Any]], ir: IRPipeline, namespace: str, config_name: str
) -> tuple[list[dict], dict]:
    """(Tasks and Pipeline, PipelineRun) ready to create: copies, namespace set, ours labelled."""
    docs = copy.deepcopy(documents)
    kinds = []
    for index, doc in enumerate(docs):
        where = f"documents[{index}]"
        if not isinstance(doc, dict) or not isinstance(doc.get("metadata"), dict):
            raise InvalidRequest(f"{where}: not a Kubernetes object (no metadata)", property="documents")
        if doc.get("apiVersion") != API_VERSION:
            raise InvalidRequest(
                f"{where}: apiVersion '{doc.get('apiVersion')}' is not {API_VERSION}", property="documents"
            )
        kind = doc.get("kind")
        if kind not in PLURALS or kind == "TaskRun":
            raise InvalidRequest(f"{where}: kind '{kind}' is not a Task, Pipeline or PipelineRun", property="documents")
        if not isinstance(doc.get("spec"), dict):
            raise InvalidRequest(f"{where}: {kind} has no spec", property="documents")
        meta = doc["metadata"]
        if meta.get("namespace") and meta["namespace"] != namespace:
            raise InvalidRequest(
                f"{where}: the {kind} was compiled for namespace '{meta['namespace']}', but runtime "
                f"configuration '{config_name}' submits to '{namespace}'; compile it with this configuration",
                property="namespace",
                reason="namespace_mismatch",
            )
        meta["namespace"] = namespace
        if kind != "PipelineRun" and not meta.get("name"):
            raise InvalidRequest(f"{where}: the {kind} has no metadata.name", property="documents")
        kinds.append(kind)
    if kinds.count("PipelineRun") != 1 or kinds[-1] != "PipelineRun":
        raise InvalidRequest(
            "documents: expected the Tekton objects in apply order with exactly one PipelineRun, last "
            f"(got {', '.join(kinds)})",
            property="documents",
        )
    run = docs[-1]
    meta = run["metadata"]
    if not (meta.get("name") or meta.get("generateName")):
        raise InvalidRequest("documents: the PipelineRun has neither metadata.name nor generateName", property="documents")
    labels = meta.setdefault("labels", {})
    if labels.get(PIPELINE_LABEL) != ir.name:
        raise InvalidRequest(
            f"documents: the PipelineRun is labelled {PIPELINE_LABEL}={labels.get(PIPELINE_LABEL)!r}, "
            f"not the compiled pipeline '{ir.name}' (documents and ir come from different compilations)",
            property="documents",
        )
    labels[MANAGED_BY_LABEL] = MANAGED_BY_VALUE
    return docs[:-1], run
