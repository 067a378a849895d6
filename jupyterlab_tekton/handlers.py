"""REST handlers under /tekton/ (described in openapi.yaml): thin, authenticated, JSON errors.

Each handler parses its body or query into a pydantic model from models.py, calls a
service from the app's settings, and replies with a model. Errors: a `TektonError`
becomes `{message, reason, details: {nodeId, property}}` with its status (400, 403, 404,
409, 502, 503); a malformed body is a 400 naming the field; anything else is a bug,
logged by tornado and answered with a bare 500 (no traceback).
"""
from __future__ import annotations

import asyncio
import json
import re
from typing import Any, TypeVar

from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from pydantic import BaseModel, ValidationError
from tornado import web

from . import __version__
from .config import RuntimeConfigStore
from .errors import InvalidRequest, TektonError
from .models import (
    CreateLocalRun,
    CreateRuntimeConfig,
    CreateTektonRun,
    DescribeRun,
    ListRunsQuery,
    ListRunsResponse,
    ListRuntimeConfigsResponse,
    ServerInfo,
    UpdateRuntimeConfig,
)
from .runs import LOG_CHUNK_DEFAULT, LocalRunService
from .tektonartifacts import RunArtifacts, content_disposition
from .tektonruns import TektonRunService

Model = TypeVar("Model", bound=BaseModel)

RUN_ID_REGEX = r"(?P<run_id>[a-z0-9][a-z0-9.-]{0,252})"
TASK_REGEX = r"(?P<task_name>[a-z0-9][-a-z0-9]{0,62})"
CONFIG_NAME_REGEX = r"(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,62})"
# A Tekton run is addressed by its runtime configuration and its PipelineRun's name.
TEKTON_RUN_REGEX = r"(?P<runtime_config>[A-Za-z0-9][A-Za-z0-9_.-]{0,62})/" + RUN_ID_REGEX

# IR field -> the .pipeline property the editor shows, for error locations.
_PROPERTY_OF_IR_FIELD = {
    "file": "filename",
    "baseDir": "filename",
    "taskName": "label",
    "label": "label",
    "dependencies": "dependencies",
    "includeSubdirectories": "include_subdirectories",
    "outputs": "outputs",
    "env": "env_vars",
    "parameters": "pipeline_parameters",
    "runtimeImage": "runtime_image",
    "runAfter": "links",
    "inputsFrom": "links",
}


class TektonHandler(ExtensionHandlerMixin, APIHandler):
    """Base: services from the app settings, body parsing, one error mapping."""

    @property
    def runs(self) -> LocalRunService:
        return self.settings["tekton_runs"]

    @property
    def runtime_configs(self) -> RuntimeConfigStore:
        return self.settings["tekton_runtime_configs"]

    @property
    def tekton_runs(self) -> TektonRunService:
        return self.settings["tekton_cluster_runs"]

    @property
    def artifacts(self) -> RunArtifacts:
        return RunArtifacts(self.tekton_runs)

    def parse_body(self, model: type[Model]) -> Model:
        try:
            body = self.get_json_body()
        except (web.HTTPError, UnicodeDecodeError):
            raise InvalidRequest("the request body is not valid JSON", reason="invalid_json") from None
        if body is None:
            raise InvalidRequest("the request body is empty; a JSON object is expected", reason="invalid_json")
        if not isinstance(body, dict):
            raise InvalidRequest("the request body must be a JSON object", reason="invalid_json")
        try:
            return model.model_validate(body)
        except ValidationError as e:
            raise validation_error(e, body) from None

    def parse_query(self, model: type[Model], **fields: Any) -> Model:
        try:
            return model.model_validate({k: v for k, v in fields.items() if v is not None})
        except ValidationError as e:
            raise validation_error(e, fields) from None

    def int_argument(self, name: str, default: int) -> int:
        value = self.get_query_argument(name, None)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise InvalidRequest(f"query argument '{name}' must be an integer", property=name) from None

    def reply(self, model: BaseModel, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(model.model_dump_json())

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, TektonError):
            self.set_status(error.status_code)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(error.to_json()))
            return
        # HTTPErrors keep their message; anything else answers "Unhandled error", no traceback.
        super().write_error(status_code, **kwargs)

    def log_exception(self, typ, value, tb) -> None:
        if isinstance(value, TektonError):
            # An expected refusal: one line, no traceback.
            self.log.warning(
                "%d %s %s: %s", value.status_code, self.request.method, self.request.path, value.message
            )
            return
        super().log_exception(typ, value, tb)


def validation_error(error: ValidationError, body: Any) -> InvalidRequest:
    """A 400 naming the first invalid field, located at a node when it is inside the IR."""
    problems = []
    for item in error.errors(include_url=False)[:20]:
        loc = list(item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        # IRPipeline's DAG check reports its location in the message: "nodes.3.runAfter: ..."
        if loc == ["ir"] and message.startswith("nodes."):
            where, _, message = message.partition(": ")
            loc += [int(p) if p.isdigit() else p for p in where.split(".")]
        problems.append((loc, message))
    loc, message = problems[0]
    node_id, prop = None, None
    if len(loc) >= 3 and loc[:2] == ["ir", "nodes"] and isinstance(loc[2], int):
        try:
            node = body["ir"]["nodes"][loc[2]]
            node_id = node.get("id") if isinstance(node, dict) else None
            label = (node.get("label") or node.get("taskName")) if isinstance(node, dict) else None
        except (KeyError, IndexError, TypeError):
            label = None
        field = loc[3] if len(loc) > 3 else None
        prop = _PROPERTY_OF_IR_FIELD.get(field, field) if isinstance(field, str) else None
        text = f"node '{label or loc[2]}'" + (f", {field}" if field else "") + f": {message}"
    else:
        prop = ".".join(str(p) for p in loc) or None
        text = f"{prop}: {message}" if prop else message
    details = [{"loc": ".".join(str(p) for p in loc), "message": m} for loc, m in problems]
    return InvalidRequest(text, node_id=node_id, property=prop, reason="invalid_request", errors=details)


# ---- runs -------------------------------------------------------------------------------


class InfoHandler(TektonHandler):
    @web.authenticated
    def get(self) -> None:
        runs = self.runs
        self.reply(
            ServerInfo(
                version=__version__,
                runs_root=runs.root.relative(runs.runs_root),
                max_parallelism=runs.max_parallelism,
                python=runs.python,
                backends=["local", "tekton"],
            )
        )


class RunsHandler(TektonHandler):
    """GET /tekton/runs: local runs and the Tekton runs of the runtime configurations, newest first."""

    @web.authenticated
    async def get(self) -> None:
        query = self.parse_query(
            ListRunsQuery,
            **{
                name: self.get_query_argument(name, None)
                for name in ("pipeline_path", "pipeline_name", "status", "backend", "runtime_config", "limit")
            },
        )
        runs, errors = [], []
        if query.backend != "tekton" and not query.runtime_config:
            runs = [r for r in self.runs.list(query) if not query.pipeline_name or r.pipeline_name == query.pipeline_name]
        if query.backend != "local":
            tekton, errors = await self.tekton_runs.list(query)
            runs = sorted([*runs, *tekton], key=lambda r: r.created, reverse=True)[: query.limit]
        self.reply(ListRunsResponse(runs=runs, errors=errors))


class LocalRunsHandler(TektonHandler):
    @web.authenticated
    async def post(self) -> None:
        request = self.parse_body(CreateLocalRun)
        record = self.runs.start(request)
        self.reply(DescribeRun.model_validate(record.model_dump()), status=202)


class RunHandler(TektonHandler):
    @web.authenticated
    def get(self, run_id: str) -> None:
        self.reply(DescribeRun.model_validate(self.runs.describe(run_id).model_dump()))

    @web.authenticated
    async def delete(self, run_id: str) -> None:
        await asyncio.to_thread(self.runs.delete, run_id)
        self.set_status(204)
        self.finish()


class CancelRunHandler(TektonHandler):
    @web.authenticated
    async def post(self, run_id: str) -> None:
        record = await self.runs.cancel(run_id)
        self.reply(DescribeRun.model_validate(record.model_dump()), status=202)


class RerunHandler(TektonHandler):
    """POST …/rerun: a new local run of a finished one (the pipeline as compiled then, the
    same parameter values, the current node files); 202 with the new run."""

    @web.authenticated
    async def post(self, run_id: str) -> None:
        record = self.runs.rerun(run_id)
        self.reply(DescribeRun.model_validate(record.model_dump()), status=202)


class NodeLogHandler(TektonHandler):
    @web.authenticated
    def get(self, run_id: str, task_name: str) -> None:
        offset = self.int_argument("offset", 0)
        limit = self.int_argument("limit", LOG_CHUNK_DEFAULT)
        self.reply(self.runs.read_log(run_id, task_name, offset, limit))


# ---- Tekton runs -----------------------------------------------------------------------


class TektonRunsHandler(TektonHandler):
    """POST /tekton/runs/tekton: submit; replies once the PipelineRun exists (files upload after)."""

    @web.authenticated
    async def post(self) -> None:
        request = self.parse_body(CreateTektonRun)
        self.reply(await self.tekton_runs.submit(request), status=202)


class TektonRunHandler(TektonHandler):
    @web.authenticated
    async def get(self, runtime_config: str, run_id: str) -> None:
        self.reply(await self.tekton_runs.describe(runtime_config, run_id))

    @web.authenticated
    async def delete(self, runtime_config: str, run_id: str) -> None:
        await self.tekton_runs.delete(runtime_config, run_id)
        self.set_status(204)
        self.finish()


class TektonCancelRunHandler(TektonHandler):
    @web.authenticated
    async def post(self, runtime_config: str, run_id: str) -> None:
        self.reply(await self.tekton_runs.cancel(runtime_config, run_id), status=202)


class TektonRerunHandler(TektonHandler):
    """POST …/rerun: a new PipelineRun with the same spec and parameters, files copied."""

    @web.authenticated
    async def post(self, runtime_config: str, run_id: str) -> None:
        self.reply(await self.tekton_runs.rerun(runtime_config, run_id), status=202)


class TektonNodeLogHandler(TektonHandler):
    """GET …/nodes/{task}/log?offset=&limit=&step=: the pod's step containers' logs."""

    @web.authenticated
    async def get(self, runtime_config: str, run_id: str, task_name: str) -> None:
        offset = self.int_argument("offset", 0)
        limit = self.int_argument("limit", LOG_CHUNK_DEFAULT)
        step = self.get_query_argument("step", None)
        self.reply(await self.tekton_runs.read_log(runtime_config, run_id, task_name, offset, limit, step))


class TektonArtifactsHandler(TektonHandler):
    """GET …/artifacts[?node=TASK]: the objects under the run's prefix."""

    @web.authenticated
    async def get(self, runtime_config: str, run_id: str) -> None:
        task = self.get_query_argument("node", None)
        if task is not None and not re.fullmatch(TASK_REGEX, task):
            raise InvalidRequest(f"node '{task}' is not a task name", property="node")
        self.reply(await self.artifacts.list(runtime_config, run_id, task))


class TektonArtifactHandler(TektonHandler):
    """GET …/artifacts/{path}: one object, streamed as an attachment (never rendered inline)."""

    @web.authenticated
    async def get(self, runtime_config: str, run_id: str, path: str) -> None:
        filename, size, chunks = await self.artifacts.open(runtime_config, run_id, path)
        self.set_header("Content-Type", "application/octet-stream")
        self.set_header("Content-Disposition", content_disposition(filename))
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")
        if size:
            self.set_header("Content-Length", str(size))
        try:
            while (data := await asyncio.to_thread(next, chunks, None)) is not None:
                self.write(data)
                await self.flush()
        except TektonError as e:  # headers are gone: all we can do is cut the reply short
            self.log.warning("download of %s of run %s stopped: %s", path, run_id, e.message)
            self.request.connection.close()
            return
        finally:
            await asyncio.to_thread(chunks.close)
        self.finish()


class TektonCopyNodeHandler(TektonHandler):
    """POST …/nodes/{task}/copy: the node's files into <runs root>/<pipeline>/<run>/<task>/."""

    @web.authenticated
    async def post(self, runtime_config: str, run_id: str, task_name: str) -> None:
        runs = self.runs
        self.reply(await self.artifacts.copy_node(runtime_config, run_id, task_name, runs.root, runs.runs_root))


# ---- runtime configurations ---------------------------------------------------------------


class RuntimeConfigsHandler(TektonHandler):
    @web.authenticated
    def get(self) -> None:
        self.reply(ListRuntimeConfigsResponse(runtime_configs=self.runtime_configs.list()))

    @web.authenticated
    def post(self) -> None:
        created = self.runtime_configs.create(self.parse_body(CreateRuntimeConfig))
        self.reply(created, status=201)


class RuntimeConfigHandler(TektonHandler):
    @web.authenticated
    def get(self, name: str) -> None:
        self.reply(self.runtime_configs.get(name))

    @web.authenticated
    def put(self, name: str) -> None:
        self.reply(self.runtime_configs.update(name, self.parse_body(UpdateRuntimeConfig)))

    @web.authenticated
    def delete(self, name: str) -> None:
        self.runtime_configs.delete(name)
        self.set_status(204)
        self.finish()


class RuntimeConfigCheckHandler(TektonHandler):
    """POST /tekton/runtime-configs/{name}/test[?create_bucket=true]: what works, what not."""

    @web.authenticated
    async def post(self, name: str) -> None:
        create = self.get_query_argument("create_bucket", "false").lower() in ("1", "true", "yes")
        self.reply(await self.tekton_runs.check_all(name, create))


def default_handlers() -> list[tuple[str, type[TektonHandler]]]:
    runs = r"/tekton/runs"
    configs = r"/tekton/runtime-configs"
    return [
        (r"/tekton/info", InfoHandler),
        (runs, RunsHandler),
        (rf"{runs}/local", LocalRunsHandler),
        (rf"{runs}/tekton", TektonRunsHandler),
        (rf"{runs}/tekton/{TEKTON_RUN_REGEX}", TektonRunHandler),
        (rf"{runs}/tekton/{TEKTON_RUN_REGEX}/cancel", TektonCancelRunHandler),
        (rf"{runs}/tekton/{TEKTON_RUN_REGEX}/rerun", TektonRerunHandler),
        (rf"{runs}/tekton/{TEKTON_RUN_REGEX}/nodes/{TASK_REGEX}/log", TektonNodeLogHandler),
        (rf"{runs}/tekton/{TEKTON_RUN_REGEX}/nodes/{TASK_REGEX}/copy", TektonCopyNodeHandler),
        (rf"{runs}/tekton/{TEKTON_RUN_REGEX}/artifacts", TektonArtifactsHandler),
        (rf"{runs}/tekton/{TEKTON_RUN_REGEX}/artifacts/(?P<path>.+)", TektonArtifactHandler),
        (rf"{runs}/{RUN_ID_REGEX}", RunHandler),
        (rf"{runs}/{RUN_ID_REGEX}/cancel", CancelRunHandler),
        (rf"{runs}/{RUN_ID_REGEX}/rerun", RerunHandler),
        (rf"{runs}/{RUN_ID_REGEX}/nodes/{TASK_REGEX}/log", NodeLogHandler),
        (configs, RuntimeConfigsHandler),
        (rf"{configs}/{CONFIG_NAME_REGEX}", RuntimeConfigHandler),
        (rf"{configs}/{CONFIG_NAME_REGEX}/test", RuntimeConfigCheckHandler),
    ]
