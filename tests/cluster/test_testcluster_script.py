"""scripts/testcluster itself: loopback-only listeners, fast start once built, nothing left after down."""
from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

from testcluster_cli import run_script


def group_pids(state_dir: Path) -> dict[str, set[int]]:
    """Live pids of each component's process group, from the script's pid files."""
    pgids = {f.stem: int(f.read_text()) for f in (state_dir / "pids").glob("*.pid")}
    ps = subprocess.run(["ps", "-eo", "pid=,pgid="], capture_output=True, text=True, check=True).stdout
    members: dict[str, set[int]] = {name: set() for name in pgids}
    for line in ps.splitlines():
        pid, pgid = map(int, line.split())
        for name, group in pgids.items():
            if pgid == group:
                members[name].add(pid)
    return members


def listeners() -> list[tuple[str, set[int]]]:
    """(local address, pids) of every listening TCP/UDP socket in this network namespace."""
    out = subprocess.run(["ss", "-ltunpH"], capture_output=True, text=True, check=True).stdout
    result = []
    for line in out.splitlines():
        fields = line.split()
        # Netid State Recv-Q Send-Q Local:Port Peer:Port Process
        result.append((fields[4], {int(p) for p in re.findall(r"pid=(\d+)", line)}))
    return result


def is_loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0].strip("[]")
    return host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1")


def test_every_listener_of_the_cluster_is_on_loopback(cluster):
    members = group_pids(cluster.state_dir)
    ours = set().union(*members.values())
    assert ours, "no running components found"
    mine = [(addr, pids & ours) for addr, pids in listeners() if pids & ours]
    assert mine, "the cluster should listen somewhere (API server, etcd, kwok's kubelet API)"
    assert [addr for addr, _ in mine if not is_loopback(addr)] == []

    # The Tekton controller binds :8080 and its pprof port on all interfaces; it runs in its own
    # network namespace, so those sockets are not in ours (and not in the list above).
    host_netns = os.readlink("/proc/self/ns/net")
    controller = members["tekton-controller"]
    assert controller, "tekton-controller is not running"
    assert host_netns not in {os.readlink(f"/proc/{pid}/ns/net") for pid in controller}


def test_up_is_fast_once_built_and_down_leaves_nothing(cluster, tmp_path):
    # A second cluster on other ports and state dir; `cluster` made sure the binaries are built.
    ports = {"TESTCLUSTER_ETCD_PORT": 23890, "TESTCLUSTER_APISERVER_PORT": 16543, "TESTCLUSTER_KUBELET_PORT": 10350}
    env = {"TESTCLUSTER_STATE": str(tmp_path / "state"), **{k: str(v) for k, v in ports.items()}}
    all_ports = set(ports.values()) | {ports["TESTCLUSTER_ETCD_PORT"] + 10}

    started = time.monotonic()
    up = run_script("up", env=env, timeout=300)
    took = time.monotonic() - started
    try:
        assert up.returncode == 0, up.stderr
        kubeconfig = tmp_path / "state" / "kubeconfig"
        assert up.stdout.strip() == str(kubeconfig)
        assert took < 60, f"up took {took:.0f}s with everything built"
        assert run_script("env", env=env).stdout.strip() == f"export KUBECONFIG={kubeconfig}"
        status = run_script("status", env=env)
        assert status.returncode == 0, status.stdout
        members = group_pids(tmp_path / "state")
        assert all(members.values()), f"components without processes: {members}"
    finally:
        down = run_script("down", env=env)
    assert down.returncode == 0, down.stderr

    left = set().union(*group_pids_after(members).values())
    assert left == set(), f"processes left after down: {left}"
    still_listening = [addr for addr, _ in listeners() if int(addr.rsplit(":", 1)[1]) in all_ports]
    assert still_listening == []
    assert run_script("status", env=env).returncode != 0
    assert run_script("env", env=env).returncode != 0, "env must not hand out the kubeconfig of a stopped cluster"
    assert run_script("down", env=env).returncode == 0, "down must be idempotent"


def running(pid: int) -> bool:
    """The process exists and is not a zombie (an exited process init has not reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def group_pids_after(before: dict[str, set[int]]) -> dict[str, set[int]]:
    """Which of the pids seen before still run (pid files are gone after down)."""
    return {name: {pid for pid in pids if running(pid)} for name, pids in before.items()}
