"""The test cluster for tests/cluster: real kube-apiserver, real Tekton controller, kwok pods.

The session fixture reuses a cluster that `scripts/testcluster status` reports as up (and then
leaves it running); otherwise it runs `scripts/testcluster up` (building the binaries on the
first run, which takes long) and `down` at the end. A cluster that cannot start fails the
tests with the script's own message; nothing is skipped.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from kubernetes import client, config

from testcluster_cli import UP_TIMEOUT_S, run_script, state_dir_of


@dataclass
class Cluster:
    kubeconfig: Path
    state_dir: Path
    api: client.ApiClient

    @property
    def core(self) -> client.CoreV1Api:
        return client.CoreV1Api(self.api)

    @property
    def custom(self) -> client.CustomObjectsApi:
        return client.CustomObjectsApi(self.api)


@pytest.fixture(scope="session")
def cluster():
    started_here = False
    if run_script("status").returncode != 0:
        up = run_script("up", timeout=UP_TIMEOUT_S)
        if up.returncode != 0:
            pytest.fail(f"scripts/testcluster up failed (exit {up.returncode}):\n{up.stderr[-6000:]}", pytrace=False)
        started_here = True
    env = run_script("env")
    if env.returncode != 0:
        pytest.fail(f"scripts/testcluster env failed: {env.stderr}", pytrace=False)
    kubeconfig = Path(env.stdout.strip().removeprefix("export KUBECONFIG="))
    api = config.new_client_from_config(config_file=str(kubeconfig))
    yield Cluster(kubeconfig=kubeconfig, state_dir=state_dir_of(), api=api)
    api.close()
    if started_here:
        down = run_script("down")
        assert down.returncode == 0, down.stderr


@pytest.fixture
def namespace(cluster):
    """A fresh namespace with its `default` ServiceAccount (made by kube-controller-manager)."""
    name = f"tc-{uuid.uuid4().hex[:8]}"
    cluster.core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
    deadline = time.monotonic() + 30
    while True:
        accounts = cluster.core.list_namespaced_service_account(name).items
        if any(sa.metadata.name == "default" for sa in accounts):
            break
        if time.monotonic() > deadline:
            pytest.fail("no ServiceAccount 'default' after 30s: is kube-controller-manager running?", pytrace=False)
        time.sleep(0.2)
    yield name
    cluster.core.delete_namespace(name)
