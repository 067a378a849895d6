"""jupyterlab-tekton: JupyterLab pipeline editor that runs notebooks as Tekton tasks."""
try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "dev"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-tekton"}]


def _jupyter_server_extension_points():
    from .app import TektonApp

    return [{"module": "jupyterlab_tekton", "app": TektonApp}]
