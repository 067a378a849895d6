"""The extension loads, is enabled by the shipped config, and every endpoint needs auth."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server_helpers import fetch_json

REPO = Path(__file__).resolve().parents[2]

ROUTES = [
    ("GET", "tekton/info"),
    ("GET", "tekton/runs"),
    ("POST", "tekton/runs/local"),
    ("GET", "tekton/runs/local-20260101-000000-abcdef"),
    ("DELETE", "tekton/runs/local-20260101-000000-abcdef"),
    ("POST", "tekton/runs/local-20260101-000000-abcdef/cancel"),
    ("GET", "tekton/runs/local-20260101-000000-abcdef/nodes/task/log"),
    ("GET", "tekton/runtime-configs"),
    ("POST", "tekton/runtime-configs"),
    ("GET", "tekton/runtime-configs/dev"),
    ("PUT", "tekton/runtime-configs/dev"),
    ("DELETE", "tekton/runtime-configs/dev"),
    ("POST", "tekton/runtime-configs/dev/test"),
]


async def test_extension_is_loaded_with_its_routes(jp_serverapp, jp_fetch):
    assert "jupyterlab_tekton" in jp_serverapp.extension_manager.extensions
    info = await fetch_json(jp_fetch, "tekton", "info")
    assert info["backends"] == ["local", "tekton"]
    assert info["runs_root"] == "pipeline-runs"
    assert info["max_parallelism"] == 2  # from conftest, through the TektonApp traitlet
    assert info["python"] == sys.executable


@pytest.mark.parametrize("method,path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_unauthenticated_requests_are_refused(jp_fetch, method, path):
    kwargs = {"body": "{}"} if method in ("POST", "PUT") else {}
    # An empty Authorization header replaces the test token: no credentials at all.
    coro = jp_fetch(*path.split("/"), method=method, headers={"Authorization": ""}, **kwargs)
    from tornado.httpclient import HTTPClientError

    with pytest.raises(HTTPClientError) as info:
        await coro
    assert info.value.code == 403


def test_every_handler_verb_is_authenticated():
    """What jupyter_server's JupyterServerAuthWarning checks, for our handlers only."""
    from jupyterlab_tekton.handlers import default_handlers

    for pattern, handler in default_handlers():
        for verb in ("get", "post", "put", "delete", "patch"):
            method = getattr(handler, verb, None)
            if method is None or method.__qualname__.startswith(("RequestHandler.", "APIHandler.", "JupyterHandler.")):
                continue
            # tornado.web.authenticated wraps the method with functools.wraps.
            assert hasattr(method, "__wrapped__"), f"{verb.upper()} {pattern} ({handler.__name__}) is not @authenticated"


def test_server_extension_list_shows_it_enabled(tmp_path):
    """`jupyter server extension list` with the shipped jupyter-config file enables and validates it."""
    config = tmp_path / "config"
    (config / "jupyter_server_config.d").mkdir(parents=True)
    shutil.copy(REPO / "jupyter-config" / "server-config" / "jupyterlab_tekton.json", config / "jupyter_server_config.d")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    text = out.stdout + out.stderr
    lines = [line for line in text.splitlines() if "jupyterlab_tekton" in line]
    assert any("enabled" in line for line in lines), text
    assert any("OK" in line for line in lines), text
