"""Elyra's own example pipelines, compiled by the TypeScript compiler (the CLI's
`compile --bundle`) and run locally through the REST API with real kernels.

The notebooks need pandas & co. at the versions they were written for, so their kernels
run in the interpreter made by `install-examples-env.sh` (selected the way an operator
would: `TektonApp.python_executable`). hello-generic-world downloads its data set: the
test serves a generated NOAA-shaped archive from 127.0.0.1 and points DATASET_URL at it,
and sets PIP_NO_INDEX so the notebooks' `!pip install` cells never reach the network.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import random
import shutil
import subprocess
import tarfile
import threading
from datetime import datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from server_helpers import compile_bundle, nodes_by_task, outputs_of, start_run, wait_run

FIXTURES = Path(os.environ.get("TEKTON_FIXTURES", "/work/shared/fixtures"))
ELYRA_PIPELINES = FIXTURES / "elyra" / "cypress" / "fixtures" / "pipelines"
HELLO = FIXTURES / "elyra-examples" / "pipelines" / "run-generic-pipelines-on-kubeflow-pipelines"
INSTALL = Path(__file__).with_name("install-examples-env.sh")


def examples_python() -> str:
    """The examples' interpreter; made (once, cached) by install-examples-env.sh."""
    explicit = os.environ.get("TEKTON_EXAMPLES_PYTHON")
    if explicit:
        return explicit
    out = subprocess.run(["sh", str(INSTALL)], capture_output=True, text=True, check=False, timeout=1800)
    assert out.returncode == 0, f"{INSTALL} failed:\n{out.stderr}"
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def kernel_python() -> str:
    return examples_python()


@pytest.fixture
def tekton_app_config(kernel_python):
    return {"python_executable": kernel_python}


@pytest.fixture(autouse=True)
def offline_pip(monkeypatch, jp_environ):
    # pytest-jupyter exports the test interpreter's sys.path as PYTHONPATH; the examples'
    # interpreter must see only its own packages.
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- producer -> consumer (Elyra's cypress fixture) ---------------------------------------


async def test_producer_consumer_fixture(jp_fetch, jp_root_dir, kernel_python, tmp_path, monkeypatch):
    pipelines = jp_root_dir / "pipelines"
    shutil.copytree(ELYRA_PIPELINES, pipelines)
    # The pipeline's setup node points at ../scripts/setup.py with a dependency; the
    # fixture folder does not ship them, so the test provides both.
    (jp_root_dir / "scripts").mkdir()
    (jp_root_dir / "scripts" / "setup.py").write_text("print('setup read:', open('setup.txt').read().strip())\n")
    (jp_root_dir / "scripts" / "setup.txt").write_text("configured\n")
    # producer.ipynb reads $NB_USER; the pipeline declares it empty, which the compiler
    # drops (as Elyra does), so it comes from the environment as in Jupyter images.
    monkeypatch.setenv("NB_USER", "jovyan")
    before = {p.name: sha(p) for p in pipelines.iterdir()}
    body = compile_bundle(jp_root_dir, "pipelines/producer-consumer.pipeline", tmp_path)
    assert body["pipeline_path"] == "pipelines/producer-consumer.pipeline"
    tasks = [n["taskName"] for n in body["ir"]["nodes"]]
    assert tasks[0] == "setup-py" and tasks[-1] == "consumer-ipynb"
    started = await start_run(jp_fetch, body)
    run = await wait_run(jp_fetch, started["id"], timeout=300)

    assert run["status"] == "succeeded", json.dumps(run, indent=1)
    by_task = nodes_by_task(run)
    assert all(n["status"] == "succeeded" and n["exit_code"] == 0 for n in by_task.values())
    run_dir = jp_root_dir / run["artifacts_path"]
    assert (run_dir / "create-source-files-py" / "outputs" / "input-2.csv").read_text().startswith("userid,name")
    for task, files in {"producer-ipynb": ["output-1.csv", "output-2.csv"], "producer-script-py": ["output-3.csv", "output-4.csv"]}.items():
        for f in files:
            assert "lastupdated" in (run_dir / task / "outputs" / f).read_text().splitlines()[0]
    consumer = outputs_of(run_dir / "consumer-ipynb" / "consumer.ipynb")
    for i in range(1, 5):
        assert f"Processing file ->output-{i}.csv" in consumer
    assert "user4" in consumer
    assert "setup read: configured" in (run_dir / "setup-py" / "run.log").read_text()
    record = json.loads((run_dir / "run.json").read_text())
    assert record["interpreter"]["python"] == kernel_python
    assert record["interpreter"]["version"].count(".") == 2
    assert record["pipeline_sha256"] == sha(pipelines / "producer-consumer.pipeline")
    # The runner's default engine drives the env's kernel directly (no papermill there).
    assert by_task["producer-ipynb"]["engine"].startswith("jupyter_client")
    assert {p.name: sha(p) for p in pipelines.iterdir()} == before  # sources untouched


# ---- hello-generic-world (elyra-ai/examples) ---------------------------------------------------

COLUMNS = [
    "DATE", "HOURLYVISIBILITY", "HOURLYDRYBULBTEMPF", "HOURLYWETBULBTEMPF", "HOURLYDewPointTempF",
    "HOURLYRelativeHumidity", "HOURLYWindSpeed", "HOURLYWindDirection", "HOURLYStationPressure",
    "HOURLYPressureTendency", "HOURLYSeaLevelPressure", "HOURLYPrecip", "HOURLYAltimeterSetting",
]


def noaa_csv(start: datetime, end: datetime, seed: int = 7) -> bytes:
    """Hourly JFK-like weather rows with the quirks the cleaning notebook handles ('T', '*', 's')."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    t = start
    while t < end:
        day = t.timetuple().tm_yday
        temp = 55 + 22 * math.sin(2 * math.pi * (day - 110) / 365) + 8 * math.sin(2 * math.pi * (t.hour - 9) / 24)
        temp += rng.gauss(0, 3)
        dew = temp - rng.uniform(2, 15)
        pressure = 29.9 + rng.gauss(0, 0.2)
        precip = rng.choice(["0.00"] * 20 + ["T", "0.01", "0.05s", ""])
        visibility = rng.choice(["10.00"] * 8 + ["7.00", "2.50V", "*"])
        writer.writerow([
            t.strftime("%Y-%m-%d %H:%M"), visibility, f"{temp:.0f}", f"{(temp + dew) / 2:.0f}", f"{dew:.0f}",
            f"{rng.randint(30, 100)}", f"{rng.randint(0, 25)}", rng.choice([f"{rng.randint(0, 36) * 10}", "VRB"]),
            f"{pressure:.2f}", f"{rng.randint(0, 8)}", f"{pressure + 0.1:.2f}s" if rng.random() < 0.05 else f"{pressure + 0.1:.2f}",
            precip, f"{pressure + 0.05:.2f}",
        ])
        t += timedelta(hours=1)
    return out.getvalue().encode()


@pytest.fixture
def dataset_url(tmp_path):
    """noaa-weather-data-jfk-airport.tar.gz served from 127.0.0.1 as application/x-tar."""
    served = tmp_path / "served"
    served.mkdir()
    data = noaa_csv(datetime(2016, 10, 1, 0, 51), datetime(2018, 1, 2, 0, 51))
    with tarfile.open(served / "noaa-weather-data-jfk-airport.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("noaa-weather-data-jfk-airport/jfk_weather.csv")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))

    class Handler(SimpleHTTPRequestHandler):
        def guess_type(self, path):
            return "application/x-tar"  # what the real CDN answers; the notebook checks it

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/noaa-weather-data-jfk-airport.tar.gz"
    server.shutdown()
    server.server_close()


async def test_hello_generic_world(jp_fetch, jp_root_dir, dataset_url, tmp_path):
    folder = jp_root_dir / "hello"
    shutil.copytree(HELLO, folder)
    # The pipeline downloads from the public CDN; the test's copy points at the local server.
    path = folder / "hello-generic-world.pipeline"
    doc = json.loads(path.read_text())
    load = next(n for n in doc["pipelines"][0]["nodes"] if n["app_data"]["component_parameters"]["filename"] == "load_data.ipynb")
    env = load["app_data"]["component_parameters"]["env_vars"]
    assert env[0].startswith("DATASET_URL=https://")
    env[0] = f"DATASET_URL={dataset_url}"
    path.write_text(json.dumps(doc, indent=2))
    before = {p.name: sha(p) for p in folder.iterdir()}
    body = compile_bundle(jp_root_dir, "hello/hello-generic-world.pipeline", tmp_path)
    assert {"name": "DATASET_URL", "value": dataset_url} in body["ir"]["nodes"][0]["env"]
    started = await start_run(jp_fetch, body)
    run = await wait_run(jp_fetch, started["id"], timeout=900)

    by_task = nodes_by_task(run)
    assert run["status"] == "succeeded", json.dumps({t: (n["status"], n["message"]) for t, n in by_task.items()})
    run_dir = jp_root_dir / run["artifacts_path"]
    raw = run_dir / "load-weather-data" / "outputs" / "data" / "noaa-weather-data-jfk-airport" / "jfk_weather.csv"
    assert raw.read_text().splitlines()[0] == ",".join(COLUMNS)
    cleaned = (
        run_dir / "part-1-data-cleaning-ipynb" / "outputs" / "data" / "noaa-weather-data-jfk-airport" / "jfk_weather_cleaned.csv"
    )
    header = cleaned.read_text().splitlines()[0].split(",")
    assert header[0] == "DATE" and "dry_bulb_temp_f" in header and "pressure_tendency_const" in header
    assert f"Downloading data file {dataset_url}" in outputs_of(run_dir / "load-weather-data" / "load_data.ipynb")
    analysis = json.loads((run_dir / "part-2-data-analysis-ipynb" / "Part 2 - Data Analysis.ipynb").read_text())
    images = [o for c in analysis["cells"] for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # the plots were rendered into the executed notebook
    forecast = outputs_of(run_dir / "part-3-time-series-forecasting-ipynb" / "Part 3 - Time Series Forecasting.ipynb")
    assert "AR(2) MA(1) RMSE:" in forecast
    for n in by_task.values():
        assert n["exit_code"] == 0 and n["duration_seconds"] > 0
        assert (jp_root_dir / n["notebook_path"]).is_file() and (jp_root_dir / n["log_path"]).is_file()
    # Part 2 and Part 3 (independent) ran side by side.
    p2, p3 = by_task["part-2-data-analysis-ipynb"], by_task["part-3-time-series-forecasting-ipynb"]
    assert p2["started"] < p3["finished"] and p3["started"] < p2["finished"]
    assert {p.name: sha(p) for p in folder.iterdir()} == before
