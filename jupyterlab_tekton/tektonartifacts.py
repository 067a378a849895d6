"""A Tekton run's artifacts in object storage, brought to the user: list, download, copy.

Everything a run wrote lives under `<pipeline>/<run>/` in its runtime configuration's
bucket (src/compiler/steps/README.md): `<task>/` holds a node's executed notebook,
`run.log`, `status.json` and `outputs/`. The server reads it with the configuration's own
credentials, which never leave the server; requests name a path relative to the run's
prefix and can never reach another key (no absolute paths, no `..`).

Copying a node's folder puts it at `<runs root>/<pipeline>/<run>/<task>/` under the server
root (the layout of a local run, so the executed notebook opens in JupyterLab like one);
each file is written to a temp file and renamed, so a copy in progress never shows half
a notebook. A copy is refused above `copy_limit_bytes`.
"""
from __future__ import annotations

import asyncio
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from .config import StoredRuntimeConfig
from .errors import InvalidRequest, NotFound, PathOutsideRoot
from .models import DNS1123_LABEL, RUN_ID, CopiedNodeArtifacts, ListRunArtifactsResponse, RunArtifact
from .paths import ServerRoot, check_relative
from .storage import ObjectStorage
from .tektonstatus import pipeline_name, saved_notebook

COPY_LIMIT_BYTES = 1024 * 1024 * 1024


class RunArtifacts:
    def __init__(self, service, copy_limit_bytes: int = COPY_LIMIT_BYTES) -> None:
        self.service = service  # TektonRunService: configurations, clusters, storages, node lists
        self.copy_limit_bytes = copy_limit_bytes

    async def _locate(self, config: str, name: str) -> tuple[StoredRuntimeConfig, ObjectStorage, dict, str]:
        """The run (which must be ours), its storage and its key prefix `<pipeline>/<run>/`."""
        rc = self.service._config(config)
        cluster = self.service.cluster(rc)
        try:
            pipeline_run = await asyncio.to_thread(cluster.get_pipeline_run, name)
        except NotFound as e:
            raise NotFound(
                f"no Tekton run '{name}' in namespace '{rc.namespace}' (runtime configuration '{config}')",
                reason="run_not_found",
                api_message=e.extra.get("api_message"),
            ) from None
        self.service._check_ours(pipeline_run, config)
        pipeline = pipeline_name(pipeline_run)
        # Both end up in object keys and local folder names: refuse anything unexpected.
        if not DNS1123_LABEL.match(pipeline) or not RUN_ID.match(name):
            raise InvalidRequest(f"run '{name}' has an unexpected pipeline label '{pipeline}'", reason="run_invalid")
        return rc, self.service.storage(rc), pipeline_run, f"{pipeline}/{name}/"

    async def list(self, config: str, name: str, task: str | None = None) -> ListRunArtifactsResponse:
        rc, storage, _, prefix = await self._locate(config, name)
        where = prefix + (f"{task}/" if task else "")
        objects = await asyncio.to_thread(storage.list, where)
        return ListRunArtifactsResponse(
            uri=f"s3://{rc.bucket}/{where}",
            artifacts=[
                RunArtifact(path=o.key[len(prefix):], size=o.size, last_modified=o.last_modified)
                for o in objects
                if o.key.startswith(prefix) and not o.key.endswith("/")
            ],
        )

    async def open(self, config: str, name: str, path: str) -> tuple[str, int, Iterator[bytes]]:
        """(file name, size, chunks) of one object under the run's prefix."""
        relative = artifact_path(path)
        _, storage, _, prefix = await self._locate(config, name)
        size, chunks = await asyncio.to_thread(storage.open, prefix + relative.as_posix())
        return relative.name, size, chunks

    async def copy_node(self, config: str, name: str, task: str, root: ServerRoot, runs_root: Path) -> CopiedNodeArtifacts:
        rc, storage, pipeline_run, prefix = await self._locate(config, name)
        nodes = await self.service._nodes_of(rc, pipeline_run)
        node = next((n for n in nodes if n.task_name == task), None)
        if node is None:
            raise NotFound(f"run '{name}' has no node '{task}'", reason="node_not_found")
        node_prefix = f"{prefix}{task}/"
        objects = [o for o in await asyncio.to_thread(storage.list, node_prefix) if not o.key.endswith("/")]
        if not objects:
            raise NotFound(
                f"node '{node.label or task}' of run '{name}' has no files in object storage yet "
                f"(s3://{rc.bucket}/{node_prefix}; its save step writes them when it finishes)",
                reason="artifacts_not_found",
            )
        total = sum(o.size for o in objects)
        if total > self.copy_limit_bytes:
            raise InvalidRequest(
                f"the files of node '{node.label or task}' are {total / 2**20:.0f} MiB, more than the "
                f"{self.copy_limit_bytes / 2**20:.0f} MiB a copy may hold; download single files instead",
                reason="artifacts_too_large",
            )
        target = runs_root / pipeline_name(pipeline_run) / name / task
        files = await asyncio.to_thread(self._copy, storage, objects, node_prefix, target, root)
        notebook = saved_notebook(node)
        notebook_path = next((f for f in files if notebook and f == root.relative(target / notebook)), None)
        log = root.relative(target / "run.log")
        return CopiedNodeArtifacts(
            task_name=task,
            path=root.relative(target),
            notebook_path=notebook_path,
            log_path=log if log in files else None,
            files=files,
            bytes=total,
        )

    @staticmethod
    def _copy(storage: ObjectStorage, objects, node_prefix: str, target: Path, root: ServerRoot) -> list[str]:
        target.mkdir(parents=True, exist_ok=True)
        base = target.resolve()
        if not base.is_relative_to(root.path):
            raise PathOutsideRoot(f"the copy's folder {target} is outside the server root", property="runs_root")
        copied = []
        for obj in objects:
            relative = artifact_path(obj.key[len(node_prefix):])
            destination = base.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            # A symlink placed in the copy's folder must not redirect a write outside it.
            if not destination.parent.resolve().is_relative_to(base):
                raise PathOutsideRoot(f"'{relative}' would be written outside {root.relative(base)}", property="path")
            fd, tmp = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
            os.close(fd)
            try:
                storage.download_file(obj.key, Path(tmp))
                os.chmod(tmp, 0o644)
                os.replace(tmp, destination)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            copied.append(root.relative(destination))
        return copied


def artifact_path(path: str) -> PurePosixPath:
    """A path relative to the run's prefix: no absolute path, no `..`, no empty name."""
    relative = check_relative(path, what="artifact path", property="path")
    if not relative.parts or relative.as_posix() in (".", ""):
        raise InvalidRequest("artifact path is empty", property="path")
    return relative


def content_disposition(filename: str) -> str:
    """`attachment` (never rendered in the Jupyter origin), with an ASCII fallback name."""
    from urllib.parse import quote

    fallback = re.sub(r'[^A-Za-z0-9._-]', "_", filename) or "artifact"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
