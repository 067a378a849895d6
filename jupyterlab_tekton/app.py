"""Composition root of the server extension: routes and the swappable services.

Operators (and tests) choose implementations and settings through traitlets, e.g.
`--TektonApp.local_runner_class=mypackage.MyRunner` or, in jupyter_server_config.py,
`c.TektonApp.runs_root = "runs"`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from jupyter_server.extension.application import ExtensionApp
from traitlets import Float, Integer, Type, Unicode, default

from .config import RuntimeConfigStore
from .handlers import default_handlers
from .kube import KubernetesTektonCluster, TektonCluster
from .local import LocalRunner, SubprocessLocalRunner
from .paths import ServerRoot
from .runs import LocalRunService
from .storage import ObjectStorage, S3ObjectStorage
from .tektonruns import TektonRunService


def default_runtime_configs_dir() -> str:
    return str(Path(jupyter_data_dir()) / "tekton" / "runtime-configs")


class TektonApp(ExtensionApp):
    name = "jupyterlab_tekton"
    load_other_extensions = True

    storage_class = Type(
        default_value=S3ObjectStorage,
        klass=ObjectStorage,
        config=True,
        help="Object storage implementation used for uploads and artifacts.",
    )
    cluster_class = Type(
        default_value=KubernetesTektonCluster,
        klass=TektonCluster,
        config=True,
        help="Kubernetes/Tekton access of a runtime configuration (submit, status, logs, cancel).",
    )
    list_error_ttl = Float(
        10.0,
        config=True,
        help="Seconds a runtime configuration whose runs could not be listed (cluster unreachable) "
        "is not asked again; its error is repeated meanwhile, so polling stays cheap.",
    )
    local_runner_class = Type(
        default_value=SubprocessLocalRunner,
        klass=LocalRunner,
        config=True,
        help="Executes local runs (one instance per run).",
    )
    runs_root = Unicode(
        "pipeline-runs",
        config=True,
        help="Folder of local runs' artifacts, relative to the server root (must stay inside it).",
    )
    max_parallelism = Integer(
        config=True, help="How many nodes of a local run execute at the same time."
    )
    python_executable = Unicode(
        config=True,
        help="Interpreter that runs runner.py and, through it, the notebooks' kernels "
        "(default: the server's own, which has ipykernel).",
    )
    runtime_configs_dir = Unicode(
        config=True, help="Folder of the runtime configuration files (created 0700)."
    )

    @default("max_parallelism")
    def _default_parallelism(self) -> int:
        return os.cpu_count() or 1

    @default("python_executable")
    def _default_python(self) -> str:
        return sys.executable

    @default("runtime_configs_dir")
    def _default_configs_dir(self) -> str:
        return default_runtime_configs_dir()

    def initialize_settings(self) -> None:
        root = ServerRoot(self.serverapp.root_dir)
        runs = LocalRunService(
            root=root,
            runs_root=self.runs_root,
            runner_class=self.local_runner_class,
            python=self.python_executable,
            max_parallelism=self.max_parallelism,
            log=self.log,
            config=self.config,
        )
        interrupted = runs.recover()
        if interrupted:
            self.log.info("jupyterlab_tekton: %d unfinished local run(s) marked interrupted", interrupted)
        configs = RuntimeConfigStore(self.runtime_configs_dir)
        tekton_runs = TektonRunService(
            configs=configs,
            root=root,
            cluster_class=self.cluster_class,
            storage_class=self.storage_class,
            parent=self,
            log=self.log,
            list_error_ttl=self.list_error_ttl,
        )
        self.settings.update(
            {
                "tekton_runs": runs,
                "tekton_runtime_configs": configs,
                "tekton_storage_class": self.storage_class,
                "tekton_cluster_runs": tekton_runs,
            }
        )

    def initialize_handlers(self) -> None:
        self.handlers.extend(default_handlers())

    async def stop_extension(self) -> None:
        runs: LocalRunService | None = self.settings.get("tekton_runs")
        if runs is not None:
            await runs.shutdown()
        tekton_runs: TektonRunService | None = self.settings.get("tekton_cluster_runs")
        if tekton_runs is not None:
            await tekton_runs.shutdown()
