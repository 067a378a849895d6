"""Shared pytest setup: a real Jupyter server with the extension, configured like an operator would.

`pytest_jupyter.jupyter_server` provides jp_serverapp / jp_fetch / jp_root_dir; the server
refuses unauthenticated access (handlers must be @authenticated), runs go to the temp
server root, runtime configurations to a temp folder.
"""
import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture
def tekton_config_dir(tmp_path):
    return tmp_path / "runtime-configs"


@pytest.fixture
def tekton_app_config():
    """Extra TektonApp traitlets for one test (override this fixture or update the dict)."""
    return {}


@pytest.fixture
def jp_server_config(tekton_config_dir, tekton_app_config):
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_tekton": True},
            "allow_unauthenticated_access": False,
        },
        "TektonApp": {
            "runtime_configs_dir": str(tekton_config_dir),
            "max_parallelism": 2,
            **tekton_app_config,
        },
    }
