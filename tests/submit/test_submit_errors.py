"""Kubernetes refusals as a data scientist sees them, each from a real API server:
- a ServiceAccount with a real token and no RBAC binding (403),
- a second, bare kube-apiserver without Tekton's CRDs (Tekton not installed),
- a port where nothing listens (cluster unreachable),
- the API server's own refusals: invalid object (422), name taken (409), a ValidatingAdmissionPolicy,
- requests the server refuses before touching the cluster (400)."""
from __future__ import annotations

import asyncio
import copy
import json
import socket
import time

import pytest

from bare_apiserver import BareApiServer
from submit_support import (
    config_body,
    assert_no_secret,
    compile_for,
    create_config,
    fetch_json,
    http_error,
    run_path,
    service_account_kubeconfig,
    write_kubeconfig,
    write_pipeline,
)


def token_of(kubeconfig) -> str:
    import yaml

    return yaml.safe_load(kubeconfig.read_text())["users"][0]["user"]["token"]


async def submit_status(jp_fetch, body) -> tuple[int, dict]:
    return await http_error(fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body))


async def test_namespace_without_permission_is_a_clear_403(
    jp_fetch, jp_root_dir, tmp_path, cluster, minio, namespace, runtime_config, caplog
):
    kubeconfig = service_account_kubeconfig(cluster.core, cluster.kubeconfig, namespace, "no-rights", tmp_path / "sa.kubeconfig")
    token = token_of(kubeconfig)
    config = {**runtime_config, "name": "no-rights", "kubeconfig": str(kubeconfig)}
    await create_config(jp_fetch, config)
    write_pipeline(jp_root_dir / "p.pipeline", [{"label": "a", "file": "a.ipynb"}])
    body = compile_for(jp_root_dir, "p.pipeline", tmp_path / "c", config)

    status, error = await submit_status(jp_fetch, body)
    assert (status, error["reason"]) == (403, "kube_forbidden"), error
    message = error["message"]
    assert message.startswith(f"Not allowed to create PipelineRuns in namespace '{namespace}'"), message
    assert "ask a cluster administrator" in message
    # The API's own text rides along, naming the user and the resource.
    api_message = error["details"]["api_message"]
    assert f'system:serviceaccount:{namespace}:no-rights' in api_message and '"pipelineruns"' in api_message
    assert error["details"]["api_status"] == 403
    assert token not in json.dumps(error) and token not in caplog.text
    assert_no_secret(error)
    # Nothing was created or uploaded.
    assert cluster.pipeline_runs(namespace) == []
    assert minio.list_keys(body["ir"]["name"]) == []

    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "no-rights", "test", method="POST")
    assert check["storage"]["ok"] is True
    assert check["kubernetes"]["ok"] is False
    text = check["kubernetes"]["message"]
    assert "Tekton is installed" in text and f"may not create pipelineruns" in text and f"namespace '{namespace}'" in text
    assert token not in json.dumps(check)

    listed = await fetch_json(jp_fetch, "tekton", "runs", params={"backend": "tekton"})
    assert listed["runs"] == []
    [problem] = listed["errors"]
    assert problem["runtime_config"] == "no-rights" and problem["reason"] == "kube_forbidden"
    assert "list PipelineRuns" in problem["message"]


async def test_cluster_without_tekton_says_tekton_is_not_installed(jp_fetch, jp_root_dir, tmp_path, cluster, minio, runtime_config):
    with BareApiServer() as bare:
        config = {**runtime_config, "name": "bare", "kubeconfig": str(bare.kubeconfig), "namespace": "default"}
        await create_config(jp_fetch, config)
        write_pipeline(jp_root_dir / "p.pipeline", [{"label": "a", "file": "a.ipynb"}])
        body = compile_for(jp_root_dir, "p.pipeline", tmp_path / "c", config)

        status, error = await submit_status(jp_fetch, body)
        assert (status, error["reason"]) == (503, "tekton_not_installed"), error
        assert error["message"].startswith(f"Tekton is not installed on the cluster at {bare.server}")
        assert error["details"]["api_status"] == 404

        check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "bare", "test", method="POST")
        assert check["kubernetes"]["ok"] is False
        assert check["kubernetes"]["message"].startswith(f"Tekton is not installed on the cluster at {bare.server}")

        listed = await fetch_json(jp_fetch, "tekton", "runs", params={"runtime_config": "bare"})
        assert [e["reason"] for e in listed["errors"]] == ["tekton_not_installed"]
        assert token_of(bare.kubeconfig) not in json.dumps([error, check, listed])


async def test_unreachable_cluster_is_503_within_seconds(jp_fetch, jp_root_dir, tmp_path, cluster, minio, runtime_config):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ca = __import__("yaml").safe_load(cluster.kubeconfig.read_text())["clusters"][0]["cluster"]["certificate-authority"]
    kubeconfig = write_kubeconfig(tmp_path / "gone.kubeconfig", f"https://127.0.0.1:{port}", ca, "a-token-that-must-not-leak")
    config = {**runtime_config, "name": "gone", "kubeconfig": str(kubeconfig)}
    await create_config(jp_fetch, config)
    write_pipeline(jp_root_dir / "p.pipeline", [{"label": "a", "file": "a.ipynb"}])
    body = compile_for(jp_root_dir, "p.pipeline", tmp_path / "c", config)

    started = time.monotonic()
    listed = await fetch_json(jp_fetch, "tekton", "runs")
    [problem] = listed["errors"]
    assert problem["reason"] == "cluster_unreachable"
    assert f"https://127.0.0.1:{port} is unreachable (connection failed: [Errno 111] Connection refused)" in problem["message"]
    status, error = await http_error(fetch_json(jp_fetch, *run_path("gone", "some-run-abcde")))
    assert (status, error["reason"]) == (503, "cluster_unreachable")
    status, error = await submit_status(jp_fetch, body)
    assert (status, error["reason"]) == (503, "cluster_unreachable")
    assert time.monotonic() - started < 10
    assert "a-token-that-must-not-leak" not in json.dumps([listed, error])
    assert minio.list_keys(body["ir"]["name"]) == []


async def test_bad_requests_are_refused_before_anything_is_created(jp_fetch, jp_root_dir, tmp_path, cluster, minio, namespace, runtime_config):
    await create_config(jp_fetch, runtime_config)
    write_pipeline(jp_root_dir / "p.pipeline", [{"label": "a", "file": "a.ipynb"}])
    body = compile_for(jp_root_dir, "p.pipeline", tmp_path / "c", runtime_config)

    other_ns = copy.deepcopy(body)
    other_ns["documents"][-1]["metadata"]["namespace"] = "somewhere-else"
    status, error = await submit_status(jp_fetch, other_ns)
    assert (status, error["reason"], error["details"]["property"]) == (400, "namespace_mismatch", "namespace")

    mixed = copy.deepcopy(body)
    mixed["documents"][-1]["metadata"]["labels"]["jupyterlab-tekton/pipeline"] = "another-pipeline"
    status, error = await submit_status(jp_fetch, mixed)
    assert status == 400 and "different compilations" in error["message"]

    foreign = copy.deepcopy(body)
    foreign["documents"].insert(0, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "data": {}})
    status, error = await submit_status(jp_fetch, foreign)
    assert status == 400 and "apiVersion 'v1' is not tekton.dev/v1" in error["message"]

    escaping = copy.deepcopy(body)
    files = next(u for u in escaping["uploads"] if u["kind"] == "files")
    files["baseDir"] = "../.."
    status, error = await submit_status(jp_fetch, escaping)
    assert (status, error["reason"]) == (400, "path_outside_root"), error

    missing = copy.deepcopy(body)
    missing["pipeline_path"] = "nope.pipeline"
    status, error = await submit_status(jp_fetch, missing)
    assert (status, error["details"]["property"]) == (400, "pipeline_path")

    status, error = await submit_status(jp_fetch, {**body, "documents": []})
    assert (status, error["reason"]) == (400, "invalid_request")
    status, error = await submit_status(jp_fetch, {**body, "runtime_config": "unknown"})
    assert (status, error["reason"]) == (404, "runtime_config_not_found")

    # A bucket that does not exist: said before the PipelineRun is created.
    await create_config(jp_fetch, config_body("no-bucket", cluster.kubeconfig, namespace, minio, bucket="no-such-bucket"))
    status, error = await submit_status(jp_fetch, {**body, "runtime_config": "no-bucket"})
    assert (status, error["reason"], error["details"]["property"]) == (503, "storage_unavailable", "bucket")
    assert "bucket 'no-such-bucket' does not exist" in error["message"]

    assert cluster.pipeline_runs(namespace) == []
    assert minio.list_keys(body["ir"]["name"]) == []


TEKTON_ROUTES = [
    ("POST", "tekton/runs/tekton"),
    ("GET", "tekton/runs/tekton/testcluster/a-run"),
    ("DELETE", "tekton/runs/tekton/testcluster/a-run"),
    ("POST", "tekton/runs/tekton/testcluster/a-run/cancel"),
    ("POST", "tekton/runs/tekton/testcluster/a-run/rerun"),
    ("GET", "tekton/runs/tekton/testcluster/a-run/nodes/a/log"),
    ("GET", "tekton/runs/tekton/testcluster/a-run/artifacts"),
    ("GET", "tekton/runs/tekton/testcluster/a-run/artifacts/load/load.ipynb"),
    ("POST", "tekton/runs/tekton/testcluster/a-run/nodes/load/copy"),
]


@pytest.mark.parametrize("method,path", TEKTON_ROUTES, ids=[f"{m} {p}" for m, p in TEKTON_ROUTES])
async def test_tekton_endpoints_refuse_unauthenticated_requests(jp_fetch, method, path):
    from tornado.httpclient import HTTPClientError

    kwargs = {"body": "{}"} if method == "POST" else {}
    with pytest.raises(HTTPClientError) as info:  # an empty Authorization header: no credentials
        await jp_fetch(*path.split("/"), method=method, headers={"Authorization": ""}, **kwargs)
    assert info.value.code == 403


async def test_api_server_refusals_invalid_conflict_and_admission_policy(
    jp_fetch, jp_root_dir, tmp_path, cluster, minio, namespace, runtime_config
):
    await create_config(jp_fetch, runtime_config)
    write_pipeline(jp_root_dir / "p.pipeline", [{"label": "a", "file": "a.ipynb"}])

    # The API server's own validation (422): a name Kubernetes does not accept.
    body = compile_for(jp_root_dir, "p.pipeline", tmp_path / "c", runtime_config)
    body["documents"][-1]["metadata"]["generateName"] = "Not_A_Name-"
    status, error = await submit_status(jp_fetch, body)
    assert (status, error["reason"]) == (400, "kube_invalid"), error
    assert error["message"].startswith("Kubernetes rejected the PipelineRun as invalid. Kubernetes said: ")
    assert "metadata.generateName" in error["details"]["api_message"] and error["details"]["api_status"] == 422

    # A fixed run name (compile --name) submitted twice (409).
    fixed = compile_for(jp_root_dir, "p.pipeline", tmp_path / "fixed", runtime_config, "--name", "fixed-run")
    first = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=fixed)
    assert first["id"] == "fixed-run"
    status, error = await submit_status(jp_fetch, fixed)
    assert (status, error["reason"]) == (409, "kube_conflict"), error
    assert error["message"].startswith(f"A PipelineRun named 'fixed-run' already exists in namespace '{namespace}'")
    assert "already exists" in error["details"]["api_message"]

    # An admission policy of the cluster (a real ValidatingAdmissionPolicy, no webhook needed).
    from kubernetes import client

    admission = client.AdmissionregistrationV1Api(cluster.api)
    name = f"deny-{namespace}"
    admission.create_validating_admission_policy({
        "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy", "metadata": {"name": name},
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": {"resourceRules": [{"apiGroups": ["tekton.dev"], "apiVersions": ["*"],
                                                    "operations": ["CREATE"], "resources": ["pipelineruns"]}]},
            "validations": [{"expression": "!has(object.spec.timeouts)",
                             "message": "PipelineRuns here must not set their own timeouts"}],
        },
    })
    try:
        admission.create_validating_admission_policy_binding({
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
            "metadata": {"name": name},
            "spec": {"policyName": name, "validationActions": ["Deny"],
                     "matchResources": {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": namespace}}}},
        })
        body = compile_for(jp_root_dir, "p.pipeline", tmp_path / "again", runtime_config)  # sets timeouts
        deadline = time.monotonic() + 30
        while True:  # the policy takes effect within a second or two
            try:
                created = await fetch_json(jp_fetch, "tekton", "runs", "tekton", method="POST", body=body)
            except Exception as e:  # noqa: BLE001
                status, error = e.code, json.loads(e.response.body)
                break
            cluster.custom.delete_namespaced_custom_object("tekton.dev", "v1", namespace, "pipelineruns", created["id"])
            assert time.monotonic() < deadline, "the admission policy never took effect"
            await asyncio.sleep(0.5)
        assert (status, error["reason"]) == (400, "admission_denied"), error
        assert error["message"].startswith("The cluster's admission control rejected the PipelineRun.")
        assert "PipelineRuns here must not set their own timeouts" in error["message"]
    finally:
        admission.delete_validating_admission_policy_binding(name)
        admission.delete_validating_admission_policy(name)
    assert [pr["metadata"]["name"] for pr in cluster.pipeline_runs(namespace)] == ["fixed-run"]


async def test_rejected_credentials_are_a_clear_403(jp_fetch, tmp_path, cluster, runtime_config):
    admin = __import__("yaml").safe_load(cluster.kubeconfig.read_text())["clusters"][0]["cluster"]
    kubeconfig = write_kubeconfig(tmp_path / "expired.kubeconfig", admin["server"], admin["certificate-authority"], "expired-token-0123")
    await create_config(jp_fetch, {**runtime_config, "name": "expired", "kubeconfig": str(kubeconfig)})
    listed = await fetch_json(jp_fetch, "tekton", "runs", params={"runtime_config": "expired"})
    [problem] = listed["errors"]
    assert problem["reason"] == "kube_unauthorized"
    assert problem["message"].startswith(f"The Kubernetes API server at {admin['server']} did not accept the credentials")
    assert "expired-token-0123" not in json.dumps(listed)
    check = await fetch_json(jp_fetch, "tekton", "runtime-configs", "expired", "test", method="POST")
    assert check["kubernetes"]["ok"] is False and "did not accept the credentials" in check["kubernetes"]["message"]
