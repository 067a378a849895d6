"""Stopping a node's process tree: runner.py, its script or kernel, and their children.

The runner starts in a session of its own, so one killpg reaches it and the scripts it
runs; Jupyter kernels start their own sessions, so they are found as descendants
(/proc on Linux, psutil elsewhere when installed) before anything is signalled.
"""
from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    if proc.is_dir():
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        return children
    try:
        import psutil
    except ImportError:
        return children
    for p in psutil.process_iter(["pid", "ppid"]):
        children.setdefault(p.info["ppid"], []).append(p.info["pid"])
    return children


def descendants(pid: int) -> list[int]:
    tree = _children_map()
    found, stack = [], [pid]
    while stack:
        for child in tree.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _signal(pids: list[int], pgid: int | None, sig: int) -> None:
    if pgid is not None:
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purposes (its parent reaps it).
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


async def terminate_tree(process: asyncio.subprocess.Process, grace: float = 5.0) -> None:
    """SIGTERM the tree, wait up to `grace` seconds for the leader, then SIGKILL survivors."""
    if process.returncode is not None:
        return
    tree = descendants(process.pid)
    _signal(tree, process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), grace)
    except asyncio.TimeoutError:
        pass
    survivors = [p for p in [process.pid, *tree] if _alive(p)]
    if survivors or process.returncode is None:
        _signal(survivors, process.pid if process.returncode is None else None, signal.SIGKILL)
        await process.wait()
