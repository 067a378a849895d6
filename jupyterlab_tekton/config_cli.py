"""`python -m jupyterlab_tekton config …`: runtime configurations from a terminal.

    config list [--json]                       one line per configuration (--json: ListRuntimeConfigsResponse)
    config get NAME                            DescribeRuntimeConfig JSON (what `tekton-pipeline submit` reads)
    config show NAME [--json]                  one field per line
    config create NAME [--from-file F|-] [--set FIELD=VALUE]... [--from-env FIELD=VAR]... [--json]
    config edit NAME [--from-file F|-] [--set FIELD=VALUE]... [--unset FIELD]... [--from-env FIELD=VAR]... [--json]
    config delete NAME
    config test NAME [--create-bucket] [--json]

Same store and validation as the server's /tekton/runtime-configs (config.py): one 0600
file per configuration, written atomically. Secret values (`access_key_id`,
`secret_access_key`) can be set but are never printed; pass them with `--from-env FIELD=VAR`
or in a `--from-file` JSON so that they do not show up in the process list. `edit` without
`--from-file`/`--set`/`--unset`/`--from-env` opens $VISUAL or $EDITOR on the configuration's
JSON (secrets are not in it; an omitted secret keeps its stored value, "" clears it).

Exit codes: 0 ok; 1 no such configuration, or `test` found a problem; 2 invalid input.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import InvalidRequest, NotFound, TektonError
from .models import (
    CreateRuntimeConfig,
    DescribeRuntimeConfig,
    ListRuntimeConfigsResponse,
    RuntimeConfigFields,
    UpdateRuntimeConfig,
)

SECRETS = ("access_key_id", "secret_access_key")
FIELDS = tuple(RuntimeConfigFields.model_fields)
SETTABLE = FIELDS + SECRETS
# Shown by `describe`/`edit`, but not settable.
READ_ONLY = ("name", "has_access_key_id", "has_secret_key", "updated")


def add_parser(commands: argparse._SubParsersAction) -> None:
    config = commands.add_parser("config", help="list, show, create, edit, delete or test runtime configurations")
    sub = config.add_subparsers(dest="config_command", required=True)
    parsers = {
        "list": sub.add_parser("list", help="list the configurations"),
        "get": sub.add_parser("get", help="print one configuration as JSON (no secrets)"),
        "show": sub.add_parser("show", help="print one configuration, one field per line (no secrets)"),
        "create": sub.add_parser("create", help="create a configuration"),
        "edit": sub.add_parser("edit", help="change fields of a configuration"),
        "delete": sub.add_parser("delete", help="delete a configuration"),
        "test": sub.add_parser("test", help="check the object storage and the cluster"),
    }
    for name, parser in parsers.items():
        if name != "list":
            parser.add_argument("name")
        parser.add_argument("--config-dir", help="runtime configurations folder (default: the server's)")
        if name in ("list", "show", "create", "edit", "test"):
            parser.add_argument("--json", action="store_true", help="print JSON")
    for name in ("create", "edit"):
        parser = parsers[name]
        parser.add_argument("--from-file", metavar="FILE", help="JSON object of fields (- for stdin)")
        parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="set a field")
        parser.add_argument(
            "--from-env", action="append", default=[], metavar="FIELD=VAR",
            help="set a field (e.g. secret_access_key) to the value of environment variable VAR",
        )
    parsers["edit"].add_argument("--unset", action="append", default=[], metavar="FIELD", help="reset a field to its default")
    parsers["test"].add_argument("--create-bucket", action="store_true", help="create the bucket if it is missing")


def run(args: argparse.Namespace) -> int:
    from jupyter_core.paths import jupyter_data_dir

    from .config import RuntimeConfigStore

    # As app.default_runtime_configs_dir(), without importing jupyter_server (2 s).
    store = RuntimeConfigStore(args.config_dir or Path(jupyter_data_dir()) / "tekton" / "runtime-configs")
    command = args.config_command
    try:
        if command == "list":
            return list_configs(store, args.json)
        if command == "get":
            print(store.get(args.name).model_dump_json(indent=2))
            return 0
        if command == "show":
            return show(store.get(args.name), args.json)
        if command == "create":
            fields = collect_fields(args, {})
            try:
                request = CreateRuntimeConfig.model_validate({**fields, "name": args.name})
            except ValidationError as e:
                raise invalid(e) from None
            return show(store.create(request), args.json)
        if command == "edit":
            return edit(store, args)
        if command == "delete":
            store.delete(args.name)
            print(f"deleted runtime configuration '{args.name}'", file=sys.stderr)
            return 0
        if command == "test":
            return asyncio.run(test(store, args))
    except NotFound as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 1
    except TektonError as e:
        print(f"error: {e.message}" + (f" (property {e.property})" if e.property else ""), file=sys.stderr)
        return 2
    raise AssertionError(command)


def invalid(error: ValidationError) -> InvalidRequest:
    """The first problem, naming the field (as the REST API's 400 does)."""
    first = error.errors(include_url=False)[0]
    field = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = f"unknown field (known: {', '.join(SETTABLE)})"
    return InvalidRequest(f"{field}: {message}" if field else message, property=field or None)


def list_configs(store, as_json: bool) -> int:
    configs = store.list()
    if as_json:
        print(ListRuntimeConfigsResponse(runtime_configs=configs).model_dump_json(indent=2))
        return 0
    if not configs:
        print(f"no runtime configurations in {store.directory}", file=sys.stderr)
        return 0
    rows = [
        (c.name, "in-cluster" if c.in_cluster else (c.kube_context or "(current context)"), c.namespace,
         c.bucket or "-", c.display_name)
        for c in configs
    ]
    header = ("NAME", "KUBERNETES", "NAMESPACE", "BUCKET", "DISPLAY NAME")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)) + "  " + row[-1])
    return 0


def show(described: DescribeRuntimeConfig, as_json: bool) -> int:
    if as_json:
        print(described.model_dump_json(indent=2))
        return 0
    values = described.model_dump(mode="json")
    values = {"name": values.pop("name"), **values}
    width = max(len(k) for k in values)
    for key, value in values.items():
        if key in ("has_access_key_id", "has_secret_key"):
            value = "set (not shown)" if value else "not set"
        elif value is None or value == "":
            value = "-"
        print(f"{key.ljust(width)}  {value}")
    return 0


def collect_fields(args: argparse.Namespace, base: dict[str, Any]) -> dict[str, Any]:
    """`base`, then --from-file, then --unset, --set and --from-env, in that order."""
    fields = dict(base)
    if args.from_file:
        fields.update(read_json_file(args.from_file))
    for name in getattr(args, "unset", []):
        field = field_name(name)
        fields.pop(field, None)
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep:
            raise InvalidRequest(f"--set expects FIELD=VALUE, got '{pair}'", property="set")
        fields[field_name(name)] = value
    for pair in args.from_env:
        name, sep, var = pair.partition("=")
        if not sep or not var:
            raise InvalidRequest(f"--from-env expects FIELD=VAR, got '{pair}'", property="from_env")
        if var not in os.environ:
            raise InvalidRequest(f"--from-env {name}: environment variable {var} is not set", property=field_name(name))
        fields[field_name(name)] = os.environ[var]
    return fields


def field_name(name: str) -> str:
    field = name.strip().replace("-", "_")
    if field == "name":
        raise InvalidRequest("the name is given as NAME, not as a field (rename: create a new one, delete the old)", property="name")
    if field not in SETTABLE:
        raise InvalidRequest(f"unknown field '{name}' (known: {', '.join(SETTABLE)})", property=field)
    return field


def read_json_file(source: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        value = json.loads(text)
    except (OSError, ValueError) as e:
        raise InvalidRequest(f"cannot read {source}: {e}", property="from_file") from None
    if not isinstance(value, dict):
        raise InvalidRequest(f"{source} must hold a JSON object of fields", property="from_file")
    for key in READ_ONLY:
        value.pop(key, None)  # a `show --json` / `get` output can be fed back as it is
    return value


def edit(store, args: argparse.Namespace) -> int:
    current = store.get(args.name)
    public = current.model_dump(mode="json", exclude={*READ_ONLY})
    if args.from_file or args.set or args.unset or args.from_env:
        fields = collect_fields(args, public)
    else:
        fields = edit_in_editor(args.name, public)
        if fields is None:
            print("no changes", file=sys.stderr)
            return 0
    try:
        request = UpdateRuntimeConfig.model_validate(fields)
    except ValidationError as e:
        raise invalid(e) from None
    return show(store.update(args.name, request), args.json)


def edit_in_editor(name: str, public: dict[str, Any]) -> dict[str, Any] | None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise InvalidRequest(
            "edit needs --set FIELD=VALUE, --unset FIELD, --from-env FIELD=VAR or --from-file FILE, "
            "or $VISUAL/$EDITOR set to open the configuration in an editor",
            property="editor",
        )
    original = json.dumps(public, indent=2) + "\n"
    # mkstemp: 0600, and secrets typed into it are not left behind (removed below).
    fd, path = tempfile.mkstemp(prefix=f"tekton-config-{name}-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(original)
        code = subprocess.call([*shlex.split(editor), path])
        if code != 0:
            raise InvalidRequest(f"the editor ({editor}) exited with code {code}; nothing changed", property="editor")
        text = Path(path).read_text(encoding="utf-8")
    finally:
        os.unlink(path)
    if text == original:
        return None
    try:
        value = json.loads(text)
    except ValueError as e:
        raise InvalidRequest(f"the edited configuration is not valid JSON ({e}); nothing changed", property="editor") from None
    if not isinstance(value, dict):
        raise InvalidRequest("the edited configuration must be a JSON object; nothing changed", property="editor")
    return value


async def test(store, args: argparse.Namespace) -> int:
    from .kube import KubernetesTektonCluster
    from .paths import ServerRoot
    from .storage import S3ObjectStorage
    from .tektonruns import TektonRunService

    service = TektonRunService(
        configs=store, root=ServerRoot(os.getcwd()), cluster_class=KubernetesTektonCluster, storage_class=S3ObjectStorage
    )
    try:
        result = await service.check_all(args.name, args.create_bucket)
    finally:
        await service.shutdown()
    checks = [("object storage", result.storage), ("kubernetes", result.kubernetes)]
    ok = all(c is None or c.ok for _, c in checks)
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        for label, check in checks:
            if check is not None:
                print(f"{label}: {'ok' if check.ok else 'FAILED'} - {check.message}")
    return 0 if ok else 1
