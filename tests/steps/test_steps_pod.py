"""fetch.sh → run.sh → save.sh against a real MinIO, with the environment each pod step gets."""
import json
import shutil
import subprocess

import pytest

from steps_support import (HELPER_MODULE, KFP, LAUNCH_MODES, PARAMETER_TYPES, PARAMETERS, STEPS, TRICKY,
                           bin_dir_without, code, code_cells, parameters_notebook, raising_notebook,
                           run_task, stream_text, submit_run, validate_notebook, write_notebook)


def read_json(minio, key):
    return json.loads(minio.get(key).decode("utf-8"))


def assert_no_secrets_left(result, minio):
    """mc's config (with the keys) is gone, nothing landed in $HOME, no file holds the secret."""
    assert not (result.workspace / ".tekton" / "mc").exists()
    assert list(result.home.iterdir()) == []
    for path in result.workspace.rglob("*"):
        if path.is_file():
            assert minio.secret_key.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("mode", LAUNCH_MODES)
def test_producer_consumer_chain(mode, minio, tmp_path, bare_python):
    """Elyra's kfp-multi-node-generic fixture: producer → consumer-producer → consumer.

    Three images in one run: one where papermill runs the notebook, one with no Jupyter
    package at all, one where nbclient runs the kernel (the runner's default engine,
    jupyter_client, is covered by the runner tests)."""
    prefix = "kfp-multi-node-generic/run-chain-" + mode
    submit_run(minio, prefix, {
        "produce-a-file": {"producer.ipynb": KFP / "producer.ipynb"},
        "consumer-producer": {"consumer-producer.ipynb": KFP / "consumer-producer.ipynb"},
        "consume-a-file": {"consumer.ipynb": KFP / "consumer.ipynb"},
    })
    producer = run_task(minio, tmp_path, prefix, "produce-a-file", "producer.ipynb",
                        outputs=["producer_output.csv"],
                        extra_run_env={"TEKTON_ENGINE": "papermill"}, mode=mode)
    middle = run_task(minio, tmp_path, prefix, "consumer-producer", "consumer-producer.ipynb",
                      inputs_from=["produce-a-file"], outputs=["consumer_producer_output.csv"],
                      python_dir=bare_python.parent, mode=mode)
    consumer = run_task(minio, tmp_path, prefix, "consume-a-file", "consumer.ipynb",
                        inputs_from=["produce-a-file", "consumer-producer"],
                        extra_run_env={"TEKTON_ENGINE": "nbclient"}, mode=mode)
    for result in (producer, middle, consumer):
        assert result.exit_code == 0, (result.fetch.stderr, result.run.stdout, result.save.stderr)
        assert_no_secrets_left(result, minio)

    keys = minio.list_keys(prefix)
    for task, nb in (("produce-a-file", "producer.ipynb"), ("consumer-producer", "consumer-producer.ipynb"),
                     ("consume-a-file", "consumer.ipynb")):
        for name in (nb, "run.log", "status.json"):
            assert "%s/%s/%s" % (prefix, task, name) in keys
    first = minio.get(prefix + "/produce-a-file/outputs/producer_output.csv").decode()
    assert first == "1,2,3\n4,5,6\n7,8,9\n"
    second = minio.get(prefix + "/consumer-producer/outputs/consumer_producer_output.csv").decode()
    assert second == first + "X,Y,Z\n"
    # The consumer's working dir received every ancestor's outputs.
    workdir = consumer.workspace / "node"
    assert (workdir / "producer_output.csv").read_text() == first
    assert (workdir / "consumer_producer_output.csv").read_text() == second

    engines = {}
    for task, nb_name in (("produce-a-file", "producer.ipynb"), ("consumer-producer", "consumer-producer.ipynb"),
                          ("consume-a-file", "consumer.ipynb")):
        nb = read_json(minio, "%s/%s/%s" % (prefix, task, nb_name))
        validate_notebook(nb)
        assert all(c["execution_count"] for c in code_cells(nb)), task
        status = read_json(minio, "%s/%s/status.json" % (prefix, task))
        assert status["exit_code"] == 0 and status["file"] == nb_name
        engines[task] = status["engine"]
    assert engines == {"produce-a-file": "papermill", "consumer-producer": "exec", "consume-a-file": "nbclient"}
    # The sources the submitter uploaded are untouched.
    assert minio.get(prefix + "/_sources/produce-a-file/producer.ipynb") == (KFP / "producer.ipynb").read_bytes()


@pytest.mark.parametrize("mode", LAUNCH_MODES)
def test_raising_notebook_still_uploads_and_fails_the_task(mode, minio, tmp_path):
    prefix = "failing/run-" + mode
    nb_path = raising_notebook(tmp_path / "src" / "raises.ipynb")
    submit_run(minio, prefix, {"raises": {"raises.ipynb": nb_path}})
    result = run_task(minio, tmp_path, prefix, "raises", "raises.ipynb", outputs=["never-written.csv"], mode=mode)
    assert result.run.returncode == 1
    assert result.save.returncode == 1 and result.exit_code == 1, result.save.stderr
    nb = read_json(minio, prefix + "/raises/raises.ipynb")
    validate_notebook(nb)
    errors = [o for c in code_cells(nb) for o in c["outputs"] if o["output_type"] == "error"]
    assert [e["ename"] for e in errors] == ["ValueError"]
    assert "before the error" in stream_text(code_cells(nb)[0])
    assert read_json(minio, prefix + "/raises/status.json")["exit_code"] == 1
    # The missing declared output is a warning in the log and a record, not a crash.
    log = minio.get(prefix + "/raises/run.log").decode()
    assert "boom from the notebook" in log
    assert "declared output 'never-written.csv' matched no file" in log
    assert minio.get(prefix + "/raises/missing-outputs.txt").decode() == "never-written.csv\n"
    assert not [k for k in minio.list_keys(prefix + "/raises") if "/outputs/" in k]


def test_values_never_reach_a_shell(minio, tmp_path):
    """Quotes, $(...), backticks and newlines in parameters and outputs stay data."""
    prefix = "injection/run-1"
    weird = ["$(touch pwned-out).csv", "`touch pwned-tick`.txt", "it's \"q\".csv", "semi;colon.csv"]
    src = tmp_path / "src"
    parameters_notebook(src / "params.ipynb")
    (src / "helper.py").write_text(HELPER_MODULE)
    writer = write_notebook(src / "writer.ipynb", [
        code("import json, os\nnames = %s\n" % json.dumps(weird)
             + "for n in names:\n    open(n, 'w').write(n)\n"
             "os.makedirs('results/deep', exist_ok=True)\n"
             "open('results/deep/a.txt', 'w').write('deep')\n"
             "open('glob-1.dat', 'w').write('1')\nopen('glob-2.dat', 'w').write('2')\n"),
    ])
    submit_run(minio, prefix, {"params": {"params.ipynb": src / "params.ipynb", "helper.py": src / "helper.py"},
                               "writer": {"writer.ipynb": writer}})
    params = run_task(minio, tmp_path, prefix, "params", "params.ipynb", parameters=PARAMETERS,
                      parameter_types=PARAMETER_TYPES, outputs=["seen.json"])
    assert params.exit_code == 0, params.run.stdout
    seen = json.loads(minio.get(prefix + "/params/outputs/seen.json"))
    assert seen["name"] == TRICKY and seen["alpha"] == 42 and seen["flag"] is True

    outputs = weird + ["glob-*.dat", "results", "./results/deep/a.txt", "../escape.txt", "/etc/hostname",
                       "$(touch pwned-glob)*", "nothing-\n-here"]
    writer_result = run_task(minio, tmp_path, prefix, "writer", "writer.ipynb", outputs=outputs)
    assert writer_result.exit_code == 0, (writer_result.run.stdout, writer_result.save.stderr)
    out_keys = {k.split("/outputs/", 1)[1] for k in minio.list_keys(prefix + "/writer") if "/outputs/" in k}
    assert out_keys == set(weird) | {"glob-1.dat", "glob-2.dat", "results/deep/a.txt"}
    for name in weird:
        assert minio.get(prefix + "/writer/outputs/" + name).decode() == name
    log = minio.get(prefix + "/writer/run.log").decode()
    assert "'../escape.txt' is not a path inside the working dir" in log
    assert "'/etc/hostname' is not a path inside the working dir" in log
    missing = minio.get(prefix + "/writer/missing-outputs.txt").decode().splitlines()
    assert missing == ["$(touch pwned-glob)*", "nothing-", "-here"]
    for result in (params, writer_result):
        created = [p.name for p in (tmp_path).rglob("pwned*")]
        assert created == [], created
        assert_no_secrets_left(result, minio)


def test_image_without_python_fails_clearly(minio, tmp_path):
    prefix = "no-python/run-1"
    nb = write_notebook(tmp_path / "src" / "nb.ipynb", [code("print(1)")])
    submit_run(minio, prefix, {"nb": {"nb.ipynb": nb}})
    no_python = bin_dir_without(tmp_path / "no-python-bin", "python")
    result = run_task(minio, tmp_path, prefix, "nb", "nb.ipynb", python_dir=no_python, system_dirs=[])
    assert result.run.returncode == 127
    assert result.exit_code == 127
    assert "this image has no python3" in minio.get(prefix + "/nb/run.log").decode()


def test_fetch_fails_without_runner(minio, tmp_path):
    prefix = "no-runner/run-1"
    nb = write_notebook(tmp_path / "src" / "nb.ipynb", [code("print(1)")])
    minio.mc("cp", str(nb), minio.bucket_url(prefix + "/_sources/nb/nb.ipynb"))
    result = run_task(minio, tmp_path, prefix, "nb", "nb.ipynb")
    assert result.fetch.returncode != 0 and result.run is None
    assert "fetch: cannot download s3/pipelines/no-runner/run-1/_tekton/" in result.fetch.stderr


def test_save_fails_the_task_when_upload_fails(minio, tmp_path):
    prefix = "bad-upload/run-1"
    nb = write_notebook(tmp_path / "src" / "nb.ipynb", [code("print(1)")])
    submit_run(minio, prefix, {"nb": {"nb.ipynb": nb}})
    result = run_task(minio, tmp_path, prefix, "nb", "nb.ipynb", save_env_extra={"TEKTON_S3_BUCKET": "no-such-bucket"})
    assert result.run.returncode == 0
    assert result.save.returncode == 1
    assert "upload to s3/no-such-bucket/bad-upload/run-1/nb failed" in result.save.stderr


@pytest.mark.parametrize("script", ["fetch.sh", "run.sh", "save.sh"])
def test_step_scripts_are_small_posix_sh(script):
    text = (STEPS / script).read_text()
    assert len(text.encode()) < 1536, "%s is embedded in every task: keep it under 1.5 KB" % script
    assert "eval" not in text.split()
    for shell in ("sh", "dash", "busybox"):
        exe = subprocess.run(["sh", "-c", "command -v " + shell], capture_output=True, text=True).stdout.strip()
        if exe:
            argv = [exe, "sh", "-n"] if shell == "busybox" else [exe, "-n"]
            subprocess.run(argv + [str(STEPS / script)], check=True)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed (apt-get install r-base-core)")
def test_r_script_in_image_without_python(minio, tmp_path):
    """run.sh runs .r nodes itself when the image has R but no python3."""
    prefix = "r-only/run-1"
    job = tmp_path / "src" / "job.r"
    job.parent.mkdir(parents=True)
    job.write_text('cat("alpha is", Sys.getenv("alpha"), "\\n")\n'
                   'write.csv(data.frame(x = 1:3), "table.csv", row.names = FALSE)\n'
                   'stop("R failed on purpose")\n')
    submit_run(minio, prefix, {"r-node": {"job.r": job}})
    no_python = bin_dir_without(tmp_path / "no-python-bin", "python")
    result = run_task(minio, tmp_path, prefix, "r-node", "job.r", kind="r", parameters={"alpha": "7"},
                      outputs=["table.csv"], python_dir=no_python, system_dirs=[])
    assert result.run.returncode == 1 and result.exit_code == 1, result.run.stdout
    status = json.loads(minio.get(prefix + "/r-node/status.json"))
    assert status["engine"] == "Rscript" and status["exit_code"] == 1 and status["file"] == "job.r"
    log = minio.get(prefix + "/r-node/run.log").decode()
    assert "alpha is 7" in log and "R failed on purpose" in log
    assert minio.get(prefix + "/r-node/outputs/table.csv").decode().splitlines() == ['"x"', "1", "2", "3"]
