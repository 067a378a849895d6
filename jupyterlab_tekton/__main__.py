"""`python -m jupyterlab_tekton`: what the `tekton-pipeline` CLI hands to Python.

    run-local [--bundle FILE|-] [--root DIR] [--parallelism N] [--param NAME=VALUE]... [--json]
    submit --config NAME [--bundle FILE|-] [--root DIR] [--json] [--wait]
    config list|get|show|create|edit|delete|test ...   (config_cli.py)

`run-local` executes a compiled pipeline on this machine with the same code as the
server's POST /tekton/runs/local (the CLI compiles in TypeScript, then pipes the result
here), so a pipeline runs the same way from JupyterLab and from a terminal.

Bundle (JSON, from stdin by default, or a file):

    {
      "ir": {...}, "uploads": [...],          # ICompileResult.ir / .uploads (src/compiler/types.ts)
      "pipeline_path": "flows/x.pipeline",    # the .pipeline file, relative to the root
      "parameters": {"alpha": 0.5},           # optional: overrides of ir.parameters[].value
      "root": "/home/me/project"              # optional: the folder all paths are relative to
    }

That is the server's `CreateLocalRun` body; a whole compile result with `pipelinePath`
(camelCase) is accepted too, its other fields are ignored, and one whose `ir` is null
(compile errors) is refused with its diagnostics. `--root` wins over the bundle's root;
the default is the current directory. Artifacts go to `<root>/<runs root>/<pipeline>/<run-id>/`.

Progress goes to stderr, one line per node state change. Exit code: 0 the run succeeded,
1 it failed, 2 the bundle or a path in it is invalid, 130 it was cancelled (SIGINT or
SIGTERM stop the running nodes and mark the rest cancelled).

`submit` sends a compiled pipeline to Tekton with runtime configuration NAME, with the same
code as the server's POST /tekton/runs/tekton (submit.py): the bundle above plus
`"documents": [...]` (ICompileResult.documents: the Tekton objects, the PipelineRun last).
It creates the PipelineRun pending, uploads the files under `<bucket>/<ir.name>/<run-id>/`
(progress on stderr), starts it, and prints the run's name, namespace and links on stdout
(`--json`: the run as GET /tekton/runs/tekton/{config}/{name} describes it). `--wait`
follows the run until it finishes, printing node state changes on stderr. Exit code: 0
submitted (with --wait: succeeded), 1 the run failed or timed out (--wait), 2 the bundle,
a path in it or the configuration is invalid, 3 the cluster or the object storage refused
or could not be reached (nothing is left pending), 130 cancelled, or Ctrl-C while waiting
(the run goes on in the cluster).

`config …` lists, shows, creates, edits, deletes and tests runtime configurations (see
config_cli.py); `config get NAME` prints one as DescribeRuntimeConfig JSON, never a secret.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from pydantic import ValidationError

from . import config_cli
from .errors import TektonError
from .models import FINISHED_NODE, CreateLocalRun, DescribeRun, RunStatus
from .paths import ServerRoot
from .runs import LocalRunService
from .runstore import RunRecord

EXIT = {RunStatus.succeeded: 0, RunStatus.failed: 1, RunStatus.cancelled: 130, RunStatus.interrupted: 130}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jupyterlab_tekton", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run-local", help="execute a compiled pipeline bundle on this machine")
    run.add_argument("--bundle", default="-", help="bundle JSON file, or - for stdin (default)")
    run.add_argument("--root", help="folder the bundle's paths are relative to (default: bundle root or cwd)")
    run.add_argument("--runs-root", default="pipeline-runs", help="artifacts folder under the root")
    run.add_argument("--parallelism", "--max-parallelism", dest="max_parallelism", type=int, default=os.cpu_count() or 1)
    run.add_argument("--python", default=sys.executable, help="interpreter running the nodes (needs ipykernel)")
    run.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="override a parameter")
    run.add_argument("--json", action="store_true", help="print the final run (DescribeRun JSON) on stdout")
    submit = commands.add_parser("submit", help="submit a compiled pipeline to Tekton")
    submit.add_argument("--config", required=True, dest="runtime_config", help="runtime configuration name")
    submit.add_argument("--bundle", default="-", help="bundle JSON file, or - for stdin (default)")
    submit.add_argument("--root", help="folder the bundle's paths are relative to (default: bundle root or cwd)")
    submit.add_argument("--config-dir", help="runtime configurations folder (default: the server's)")
    submit.add_argument("--json", action="store_true", help="print the run (DescribeRun JSON) on stdout")
    submit.add_argument("--wait", action="store_true", help="follow the run until it finishes")
    config_cli.add_parser(commands)
    args = parser.parse_args(argv)
    try:
        if args.command == "config":
            return config_cli.run(args)
        if args.command == "submit":
            try:
                return asyncio.run(submit_command(args))
            except KeyboardInterrupt:
                return 130
        return asyncio.run(run_local(args))
    except TektonError as e:
        where = " ".join(f"{k}={v}" for k, v in (("node", e.node_id), ("property", e.property)) if v)
        print(f"error: {e.message}" + (f" ({where})" if where else ""), file=sys.stderr)
        return 2


def load_bundle(source: str) -> dict:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        bundle = json.loads(text)
    except (OSError, ValueError) as e:
        raise TektonError(f"cannot read the bundle {source}: {e}") from None
    if not isinstance(bundle, dict):
        raise TektonError("the bundle must be a JSON object")
    if bundle.get("ir") is None:
        problems = [
            f"{d.get('nodeLabel') or d.get('nodeId') or 'pipeline'}: {d.get('message')}"
            for d in bundle.get("diagnostics") or []
            if isinstance(d, dict) and d.get("severity") == "error"
        ]
        raise TektonError("the bundle has no compiled pipeline (ir is null)" + "".join(f"\n  {p}" for p in problems))
    return bundle


def parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise TektonError(f"--param expects NAME=VALUE, got '{pair}'")
        params[name] = value
    return params


async def run_local(args: argparse.Namespace) -> int:
    bundle = load_bundle(args.bundle)
    root = ServerRoot(args.root or bundle.get("root") or os.getcwd())
    try:
        request = CreateLocalRun(
            ir=bundle["ir"],
            uploads=bundle.get("uploads") or [],
            pipeline_path=bundle.get("pipeline_path") or bundle.get("pipelinePath") or "",
            parameters={**(bundle.get("parameters") or {}), **parse_params(args.param)},
        )
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        raise TektonError(f"invalid bundle: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    service = LocalRunService(
        root=root, runs_root=args.runs_root, python=args.python, max_parallelism=args.max_parallelism
    )
    record, values = service.create(request)
    runner = service.runner_for(record, request.ir, values, listeners=[progress])
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, runner.cancel)
    print(
        f"run {record.id}: {len(record.nodes)} node(s), parallelism {service.max_parallelism}, "
        f"artifacts {root.path / record.artifacts_path}",
        file=sys.stderr,
    )
    result = await runner.run()
    print(f"run {result.id} {result.status.value}" + (f" ({result.message})" if result.message else "")
          + (f" in {result.duration_seconds:.1f}s" if result.duration_seconds else ""), file=sys.stderr)
    if args.json:
        print(DescribeRun.model_validate(result.model_dump()).model_dump_json(indent=2))
    return EXIT.get(result.status, 1)


async def submit_command(args: argparse.Namespace) -> int:
    from .app import default_runtime_configs_dir
    from .config import RuntimeConfigStore
    from .errors import InvalidRequest
    from .kube import KubernetesTektonCluster
    from .models import CreateTektonRun
    from .storage import S3ObjectStorage
    from .tektonruns import TektonRunService

    bundle = load_bundle(args.bundle)
    root = ServerRoot(args.root or bundle.get("root") or os.getcwd())
    try:
        request = CreateTektonRun(
            runtime_config=args.runtime_config,
            ir=bundle["ir"],
            uploads=bundle.get("uploads") or [],
            documents=bundle.get("documents") or [],
            pipeline_path=bundle.get("pipeline_path") or bundle.get("pipelinePath") or "",
        )
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        raise TektonError(f"invalid bundle: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    service = TektonRunService(
        configs=RuntimeConfigStore(args.config_dir or default_runtime_configs_dir()),
        root=root,
        cluster_class=KubernetesTektonCluster,
        storage_class=S3ObjectStorage,
    )
    try:
        run = await service.submit(request, wait=True, listeners=[UploadPrinter()])
    except TektonError as e:
        if isinstance(e, InvalidRequest) or e.reason == "runtime_config_not_found":
            raise  # exit 2, like any invalid bundle
        print(f"error: {e.message}", file=sys.stderr)
        return 3
    finally:
        await service.shutdown()
    print(f"PipelineRun {run.id} created in namespace {run.namespace} (runtime configuration {run.runtime_config})",
          file=sys.stderr if args.json else sys.stdout)
    if not args.json:
        for label, url in (("Tekton Dashboard", run.links and run.links.dashboard),
                           ("OpenShift console", run.links and run.links.console), ("artifacts", run.artifacts_uri)):
            if url:
                print(f"  {label}: {url}")
    sys.stdout.flush()
    if args.wait:
        run = await watch_tekton_run(service, run)
    if args.json:
        print(run.model_dump_json(indent=2))
    if not args.wait:
        return 0
    return {RunStatus.succeeded: 0, RunStatus.cancelled: 130}.get(run.status, 1)


class UploadPrinter:
    """Upload progress on stderr, at most every half second (and the last one)."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, p) -> None:
        import time

        now = time.monotonic()
        final = p.files_total and p.files_done == p.files_total
        if not final and now - self.last < 0.5:
            return
        self.last = now
        print(f"  uploading: {p.files_done}/{p.files_total} files, {p.bytes_done / 1024:.1f}/{p.bytes_total / 1024:.1f} KiB",
              file=sys.stderr, flush=True)


async def watch_tekton_run(service, run: DescribeRun) -> DescribeRun:
    """Poll the run like the Runs panel (backing off to 5 s); node changes on stderr."""
    from .models import FINISHED_RUN

    shown: dict[str, str] = {}
    delay = 1.0
    try:
        while True:
            for node in run.nodes:
                if shown.get(node.task_name) != node.status.value:
                    shown[node.task_name] = node.status.value
                    detail = f" - {node.message}" if node.message and node.status.value not in ("succeeded", "running") else ""
                    print(f"  {node.task_name:<24} {node.status.value}{detail}", file=sys.stderr, flush=True)
            if run.status in FINISHED_RUN:
                break
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 5.0)
            run = await service.describe(run.runtime_config, run.id)
    except asyncio.CancelledError:
        print(f"stopped watching; run {run.id} goes on in the cluster", file=sys.stderr)
        raise
    print(f"run {run.id} {run.status.value}" + (f" ({run.message})" if run.message and run.status != RunStatus.succeeded else "")
          + (f" in {run.duration_seconds:.1f}s" if run.duration_seconds else ""), file=sys.stderr)
    return run


def progress(record: RunRecord, task_name: str) -> None:
    node = next(n for n in record.nodes if n.task_name == task_name)
    parts = [f"{node.task_name:<24} {node.status.value}"]
    if node.status in FINISHED_NODE and node.duration_seconds is not None:
        parts.append(f"{node.duration_seconds:.1f}s")
    if node.message and node.status.value != "succeeded":
        parts.append(f"- {node.message}")
    if node.notebook_path and node.status in FINISHED_NODE:
        parts.append(f"-> {node.notebook_path}")
    print("  " + " ".join(parts), file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
