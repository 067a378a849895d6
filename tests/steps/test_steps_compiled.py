"""The compiler's YAML for Elyra fixtures, played step by step against a real MinIO.

Compiles with the real TypeScript compiler (bundled from src/ with esbuild, as the CLI is),
does the submitter's uploads from the compile bundle, then plays every TaskRun with
tekton_pod.PipelineRunPlayer: the contract in src/compiler/steps/README.md, end to end.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from steps_support import KFP, REPO, code_cells, joined, source, validate_notebook
from tekton_pod import PipelineRunPlayer, expand_k8s

NODE = shutil.which("node")
ESBUILD = REPO / "node_modules" / ".bin" / "esbuild"
SECRET = "pipeline-storage"


@pytest.fixture(scope="module")
def compiler_cli(tmp_path_factory):
    if not NODE or not ESBUILD.exists():
        pytest.skip("needs node and node_modules (scripts/install.sh)")
    subprocess.run([NODE, str(REPO / "scripts" / "embed-steps.mjs")], check=True)
    out = tmp_path_factory.mktemp("cli") / "tekton-pipeline.cjs"
    subprocess.run([str(ESBUILD), str(REPO / "src" / "cli" / "main.ts"), "--bundle", "--platform=node",
                    "--format=cjs", "--log-level=warning", "--outfile=" + str(out)], check=True)
    return out


def compile_pipeline(cli, pipeline, minio, tmp_path, separate, params=()):
    out, bundle = tmp_path / "compiled.yaml", tmp_path / "bundle.json"
    argv = [NODE, str(cli), "compile", str(pipeline), "-o", str(out), "--bundle", str(bundle),
            "--endpoint", minio.endpoint, "--bucket", minio.bucket, "--storage-secret", SECRET,
            "--region", "us-east-1"]
    argv += ["--separate"] if separate else []
    for p in params:
        argv += ["--param", p]
    proc = subprocess.run(argv, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return list(yaml.safe_load_all(out.read_text())), json.loads(bundle.read_text())


def upload_bundle(minio, bundle, pipeline_dir, prefix):
    """The submitter's part: the runner once, each node's files under _sources/<task>/."""
    for up in bundle["uploads"]:
        key = prefix + "/" + up.get("key", up.get("keyPrefix", ""))
        if up["kind"] == "content":
            path = Path(minio.root) / "upload.tmp"
            path.write_text(up["content"])
            minio.mc("cp", str(path), minio.bucket_url(key))
            continue
        base = pipeline_dir / up["baseDir"]
        for pattern in up["patterns"]:
            matches = glob.glob(str(base / pattern), recursive=up["includeSubdirectories"])
            assert matches, "upload pattern %s matched nothing" % pattern
            for match in matches:
                rel = os.path.relpath(match, base)
                minio.mc("cp", match, minio.bucket_url(key + rel))


def play(minio, documents, bundle, pipeline_dir, tmp_path, run_name):
    prefix = "%s/%s" % (bundle["ir"]["name"], run_name)
    upload_bundle(minio, bundle, pipeline_dir, prefix)
    secrets = {SECRET: {"AWS_ACCESS_KEY_ID": minio.access_key, "AWS_SECRET_ACCESS_KEY": minio.secret_key}}
    player = PipelineRunPlayer(documents, run_name, secrets,
                               transfer_path=[minio.mc_bin.parent, "/usr/bin", "/bin"],
                               runtime_path=[Path(sys.executable).parent, "/usr/bin", "/bin"], root=tmp_path)
    return prefix, player.play()


@pytest.mark.parametrize("separate", [False, True], ids=["embedded", "separate"])
def test_compiled_multi_node_fixture_runs(separate, compiler_cli, minio, tmp_path):
    pipeline = KFP / "kfp-multi-node-generic.pipeline"
    documents, bundle = compile_pipeline(compiler_cli, pipeline, minio, tmp_path, separate)
    run_name = "kfp-multi-node-generic-" + ("sep" if separate else "emb")
    prefix, runs = play(minio, documents, bundle, KFP, tmp_path, run_name)
    for task, run in runs.items():
        assert run.succeeded, (task, [(s.name, s.returncode, s.stderr[-2000:], s.stdout[-2000:]) for s in run.steps])
    nodes = {n["file"]: n["taskName"] for n in bundle["ir"]["nodes"]}
    produced = minio.get("%s/%s/outputs/producer_output.csv" % (prefix, nodes["producer.ipynb"])).decode()
    assert produced == "1,2,3\n4,5,6\n7,8,9\n"
    middle = nodes["consumer-producer.ipynb"]
    assert minio.get("%s/%s/outputs/consumer_producer_output.csv" % (prefix, middle)).decode() == produced + "X,Y,Z\n"
    for file, task in nodes.items():
        nb = json.loads(minio.get("%s/%s/%s" % (prefix, task, file)))
        validate_notebook(nb)
        assert all(c["execution_count"] for c in code_cells(nb))
        assert json.loads(minio.get("%s/%s/status.json" % (prefix, task)))["exit_code"] == 0


def test_compiled_parameters_reach_the_notebook(compiler_cli, minio, tmp_path):
    """kfp-one-node-generic: pipeline parameters (one overridden with a hostile value)."""
    pipeline = KFP / "kfp-one-node-generic.pipeline"
    hostile = "it's $(touch pwned) `touch pwned2` \"q\""
    documents, bundle = compile_pipeline(compiler_cli, pipeline, minio, tmp_path, False,
                                         params=["param1=" + hostile])
    prefix, runs = play(minio, documents, bundle, KFP, tmp_path, "kfp-one-node-generic-params")
    (task, run), = runs.items()
    assert run.succeeded, [(s.name, s.returncode, s.stderr[-2000:], s.stdout[-2000:]) for s in run.steps]
    nb = json.loads(minio.get("%s/%s/a-notebook.ipynb" % (prefix, task)))
    validate_notebook(nb)
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1
    text = source(injected[0])
    assert "param1 = %s" % json.dumps(hostile) in text or "param1 = %r" % hostile in text, text
    assert "param2 = 3" in text
    assert not list(tmp_path.rglob("pwned*"))
    assert joined(injected[0].get("outputs", [])) == "" or injected[0]["outputs"] == []


def test_kubernetes_env_expansion_rules():
    """The player's $(VAR) expansion follows Kubernetes (third_party/forked/golang/expansion)."""
    env = {"A": "x"}
    assert expand_k8s("$(A)/$(B)/$$(A)/$$/$", env) == "x/$(B)/$(A)/$/$"
