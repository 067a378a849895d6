"""Local runs on disk: `<runs root>/<pipeline-name>/<run-id>/run.json` and friends.

A run folder holds `run.json` (the `RunRecord`: provenance and per-node state, rewritten
atomically on every change), `ir.json` (exactly what was executed), a copy of the
`.pipeline` file, and one `<task>/` folder per node with the runner's executed notebook,
`run.log`, `status.json` and `outputs/`. The folder is the run: listing scans run.json
files, so runs started by the CLI (`python -m jupyterlab_tekton run-local`) show up too.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from .errors import NotFound
from .fsutil import atomic_write_json
from .models import RUN_ID, DescribeRun, NodeStatus, RunStatus

RUN_FILE = "run.json"
IR_FILE = "ir.json"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class RunRecord(DescribeRun):
    """run.json: the reply of GET /tekton/runs/{id} plus who is executing it."""

    pid: int | None = None
    pid_started: str | None = None
    hostname: str | None = None
    # The run this one repeats (POST /tekton/runs/{id}/rerun).
    rerun_of: str | None = None


def process_start_marker(pid: int) -> str | None:
    """Start time of a process (Linux /proc), to tell a live executor from a reused pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Field 22 (starttime) counts from after the parenthesised command name.
    return stat.rsplit(")", 1)[1].split()[19]


def executor_alive(record: RunRecord) -> bool:
    """Whether the process that executes the run still exists (same host only)."""
    if record.pid is None or record.hostname != socket.gethostname():
        return record.pid is not None  # another host: we cannot tell, trust the record
    try:
        os.kill(record.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    marker = process_start_marker(record.pid)
    return marker is None or record.pid_started is None or marker == record.pid_started


class RunStore:
    """Reads and writes run folders under the runs root."""

    def __init__(self, runs_root: Path, log: logging.Logger | None = None) -> None:
        self.runs_root = runs_root
        self.log = log or logging.getLogger(__name__)
        self._cache: dict[Path, tuple[int, RunRecord]] = {}

    @staticmethod
    def new_run_id() -> str:
        return f"local-{utcnow():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"

    def run_dir(self, pipeline_name: str, run_id: str) -> Path:
        return self.runs_root / pipeline_name / run_id

    def claim(self, record: RunRecord) -> None:
        """Record this process as the run's executor (for interrupted-run detection)."""
        record.pid = os.getpid()
        record.pid_started = process_start_marker(record.pid)
        record.hostname = socket.gethostname()

    def save(self, record: RunRecord) -> None:
        path = self.run_dir(record.pipeline_name, record.id) / RUN_FILE
        # Not fsynced: rewritten on every state change; the rename keeps it whole.
        atomic_write_json(path, record.model_dump(mode="json"), durable=False)

    def find(self, run_id: str) -> Path:
        """The run.json of a run id, or NotFound."""
        if RUN_ID.match(run_id):
            for candidate in self.runs_root.glob(f"*/{run_id}/{RUN_FILE}"):
                return candidate
        raise NotFound(f"no local run '{run_id}'", reason="run_not_found")

    def load(self, run_id: str) -> RunRecord:
        record = self._read(self.find(run_id))
        if record is None:
            raise NotFound(f"run '{run_id}' has an unreadable run.json", reason="run_unreadable")
        return record

    def list(self) -> list[RunRecord]:
        records = []
        if not self.runs_root.is_dir():
            return records
        seen = set()
        for path in self.runs_root.glob(f"*/*/{RUN_FILE}"):
            seen.add(path)
            record = self._read(path)
            if record is not None:
                records.append(record)
        for stale in set(self._cache) - seen:
            del self._cache[stale]
        return records

    def _read(self, path: Path) -> RunRecord | None:
        """Parse run.json, reusing the parse while the file is unchanged (polling is frequent)."""
        try:
            mtime = path.stat().st_mtime_ns
            cached = self._cache.get(path)
            if cached and cached[0] == mtime:
                return cached[1].model_copy(deep=True)
            record = RunRecord.model_validate(json.loads(path.read_bytes()))
            # The folder is the truth: a record naming another place is not ours to follow.
            if (record.pipeline_name, record.id) != (path.parent.parent.name, path.parent.name):
                raise ValueError("run.json does not match its folder")
        except (OSError, ValueError, ValidationError) as e:
            self.log.warning("skipping unreadable run file %s: %s", path, e)
            return None
        self._cache[path] = (mtime, record)
        return record.model_copy(deep=True)

    def mark_interrupted(self, record: RunRecord, message: str) -> RunRecord:
        """A run whose executor is gone: it will never finish, say so."""
        now = utcnow()
        record.status = RunStatus.interrupted
        record.message = message
        record.finished = record.finished or now
        for node in record.nodes:
            if node.status in (NodeStatus.pending, NodeStatus.running):
                node.status = NodeStatus.interrupted
                node.finished = node.finished or (now if node.started else None)
        self.save(record)
        return record
