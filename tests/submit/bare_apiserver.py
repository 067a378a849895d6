"""A second, bare kube-apiserver: a real Kubernetes API without Tekton's CRDs.

It is the test cluster's own kube-apiserver binary (tools/testcluster/build.sh k8s, already
built for the cluster), started on a free 127.0.0.1 port against the test cluster's etcd
under a separate key prefix, so nothing of the running cluster is visible to it or
touched by it, and no second etcd is needed. Up in a few seconds; stopped (process group)
when the context ends.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from kube_fixtures import tool_env
from submit_support import REPO, write_kubeconfig


def _k8s_bin_dir() -> Path:
    out = subprocess.run(
        ["bash", str(REPO / "tools" / "testcluster" / "build.sh"), "k8s"],
        capture_output=True, text=True, timeout=3600, check=True, env=tool_env(),
    ).stdout
    for assignment in out.split():
        if assignment.startswith("TC_K8S="):
            return Path(assignment.split("=", 1)[1]) / "bin"
    raise RuntimeError(f"build.sh k8s printed no TC_K8S: {out!r}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BareApiServer:
    def __init__(self, etcd_port: int | None = None) -> None:
        self.etcd_port = etcd_port or int(os.environ.get("TESTCLUSTER_ETCD_PORT", "23790"))
        self.dir = Path(tempfile.mkdtemp(prefix="bare-apiserver-"))
        self.process: subprocess.Popen | None = None
        self.kubeconfig = self.dir / "kubeconfig"

    def __enter__(self) -> BareApiServer:
        token = uuid.uuid4().hex
        pki = self.dir / "pki"
        pki.mkdir()
        subprocess.run(["openssl", "genrsa", "-out", str(pki / "sa.key"), "2048"], check=True, capture_output=True)
        (pki / "tokens.csv").write_text(f'{token},bare-admin,bare-admin-uid,"system:masters"\n')
        port = _free_port()
        log = open(self.dir / "apiserver.log", "wb")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [
                str(_k8s_bin_dir() / "kube-apiserver"),
                f"--etcd-servers=http://127.0.0.1:{self.etcd_port}",
                f"--etcd-prefix=/bare-{uuid.uuid4().hex[:8]}",
                "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", f"--secure-port={port}",
                f"--cert-dir={pki}", f"--token-auth-file={pki / 'tokens.csv'}", "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc",
                f"--service-account-key-file={pki / 'sa.key'}", f"--service-account-signing-key-file={pki / 'sa.key'}",
                "--service-cluster-ip-range=10.0.1.0/24",
                "--disable-admission-plugins=ServiceAccount,TaintNodesByCondition",
                "--endpoint-reconciler-type=none", "--enable-priority-and-fairness=false",
            ],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()
        self.server = f"https://127.0.0.1:{port}"
        write_kubeconfig(self.kubeconfig, self.server, str(pki / "apiserver.crt"), token, user="bare-admin")
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 90) -> None:
        from kubernetes import client, config

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("bare kube-apiserver exited:\n" + (self.dir / "apiserver.log").read_text()[-3000:])
            if (self.dir / "pki" / "apiserver.crt").exists():
                try:
                    api = config.new_client_from_config(config_file=str(self.kubeconfig))
                    with api:
                        status = api.call_api("GET", self.server + "/readyz", _request_timeout=2)
                        if status.status == 200:
                            return
                except Exception:  # noqa: BLE001 - not up yet
                    pass
            time.sleep(0.3)
        raise RuntimeError("bare kube-apiserver not ready:\n" + (self.dir / "apiserver.log").read_text()[-3000:])

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
