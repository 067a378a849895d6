"""Composition root of the server extension: routes and the swappable services."""
from jupyter_server.extension.application import ExtensionApp


class TektonApp(ExtensionApp):
    name = "jupyterlab_tekton"
    handlers: list = []
