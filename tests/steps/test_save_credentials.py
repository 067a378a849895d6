"""A node's own AWS_* credentials reach its run step; fetch and save keep the storage Secret's.

Compiled by the real compiler and played step by step against MinIO (test_steps_compiled's
player): the node's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are wrong for this MinIO, so
the transfer steps succeed only if they use the storage Secret's keys, and the node file
records what its own process saw.
"""
import json

import pytest

from steps_support import KFP
from test_steps_compiled import compile_pipeline, compiler_cli, play  # noqa: F401 (fixture)

NODE = (
    "import json, os\n"
    "names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']\n"
    "json.dump({n: os.environ.get(n) for n in names}, open('seen.json', 'w'))\n"
)


def pipeline_with_own_credentials(directory):
    doc = json.loads((KFP / "kfp-one-node-generic.pipeline").read_text())
    params = doc["pipelines"][0]["nodes"][0]["app_data"]["component_parameters"]
    params.update(filename="aws.py", pipeline_parameters=[], outputs=["seen.json"], env_vars=[
        {"env_var": "AWS_ACCESS_KEY_ID", "value": "user-key-id"},
        {"env_var": "AWS_SECRET_ACCESS_KEY", "value": "user-secret-not-for-minio"},
        {"env_var": "AWS_REGION", "value": "eu-west-1"},
    ])
    (directory / "aws.py").write_text(NODE)
    path = directory / "aws.pipeline"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("separate", [False, True], ids=["embedded", "separate"])
def test_node_credentials_reach_the_run_step_only(separate, compiler_cli, minio, tmp_path):  # noqa: F811
    src = tmp_path / "src"
    src.mkdir()
    documents, bundle = compile_pipeline(compiler_cli, pipeline_with_own_credentials(src), minio, tmp_path, separate)
    run_name = "aws-creds-" + ("sep" if separate else "emb")
    prefix, runs = play(minio, documents, bundle, src, tmp_path, run_name)
    (task, run), = runs.items()
    # fetch downloaded and save uploaded with MinIO's keys, not the node's.
    assert run.succeeded, [(s.name, s.returncode, s.stderr[-2000:]) for s in run.steps]
    seen = json.loads(minio.get("%s/%s/outputs/seen.json" % (prefix, task)))
    assert seen == {"AWS_ACCESS_KEY_ID": "user-key-id", "AWS_SECRET_ACCESS_KEY": "user-secret-not-for-minio",
                    "AWS_REGION": "eu-west-1"}
    assert minio.secret_key not in json.dumps(seen)
