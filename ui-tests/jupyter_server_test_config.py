"""Jupyter server configuration for the UI tests (never use it outside tests: it disables auth).

Galata's helper sets up a throw-away root dir and workspace; on top of it we bind to
127.0.0.1 only and load this repository's freshly built labextension and server extension,
so the tests exercise the working tree even when the package was never pip-installed.
"""
import os
import sys
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (`c` is injected by traitlets)

# TEKTON_REPO_DIR: test another checkout's build (default: the repository holding this file).
REPO = Path(os.environ.get("TEKTON_REPO_DIR") or Path(__file__).resolve().parent.parent)

c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.port = int(os.environ.get("TEKTON_UI_TEST_PORT", "8888"))  # noqa: F821
c.ServerApp.allow_root = True  # noqa: F821 (CI and these machines run as root)

# The build, linked under the extension's name as `jupyter labextension develop` does
# (JupyterLab finds settings schemas by that folder name); extra paths come before the
# installed ones, so this build wins over any installed copy.
_extensions = Path(__file__).resolve().parent / ".labextensions"  # gitignored
_extensions.mkdir(exist_ok=True)
_link = _extensions / "jupyterlab-tekton"
if _link.is_symlink() or _link.exists():
    _link.unlink()
_link.symlink_to(REPO / "jupyterlab_tekton" / "labextension")
c.LabServerApp.extra_labextensions_path = [  # noqa: F821
    c.LabServerApp.extra_labextensions_path,  # noqa: F821 (galata's helper extension)
    str(_extensions),
]
sys.path.insert(0, str(REPO))
c.ServerApp.jpserver_extensions = {"jupyterlab_tekton": True}  # noqa: F821

# Errors only, so that the test output stays readable; set
# TEKTON_UI_TEST_LOG_LEVEL=DEBUG to see every request.
c.Application.log_level = os.environ.get("TEKTON_UI_TEST_LOG_LEVEL", "ERROR")  # noqa: F821 (ServerApp, LabApp)

# Runtime configurations made by the tests live in a throw-away folder, never in the
# user's Jupyter data dir (and the user's own configurations never show up in the tests).
import tempfile  # noqa: E402

c.TektonApp.runtime_configs_dir = tempfile.mkdtemp(prefix="tekton-ui-test-configs-")  # noqa: F821
