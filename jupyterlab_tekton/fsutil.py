"""Atomic file writes: readers see the old file or the new one, never half of either."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o644, durable: bool = True) -> None:
    """Write `data` to a temp file beside `path` (same filesystem), then rename.

    `durable` fsyncs before the rename (configs); frequently rewritten status files skip it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates 0600; widen only when asked, so secrets never exist world-readable.
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_json(path: Path, value: Any, mode: int = 0o644, durable: bool = True) -> None:
    atomic_write_bytes(path, (json.dumps(value, indent=2) + "\n").encode(), mode, durable)
