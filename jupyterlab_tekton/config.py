"""Runtime configurations: where and how to submit (cluster, namespace, bucket, images, links).

One JSON file per configuration, `<dir>/<name>.json`, in a 0700 folder under the Jupyter
data dir (`TektonApp.runtime_configs_dir`), each file 0600 and replaced atomically.
Secret values (stored object-storage keys) are write-only: requests may set them, replies
only say whether they are set (`has_access_key_id`, `has_secret_key`). On update an
omitted secret keeps its stored value and an empty string clears it.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from .errors import Conflict, InvalidRequest, NotFound
from .fsutil import atomic_write_json
from .models import (
    CONFIG_NAME,
    CreateRuntimeConfig,
    CredentialsMode,
    DescribeRuntimeConfig,
    RuntimeConfigFields,
    UpdateRuntimeConfig,
)

_SECRETS = ("access_key_id", "secret_access_key")


class StoredRuntimeConfig(RuntimeConfigFields):
    """The file's content: the public fields, the name, and the secret values."""

    name: str
    access_key_id: str | None = None
    secret_access_key: str | None = None
    updated: datetime | None = None

    def describe(self) -> DescribeRuntimeConfig:
        public = self.model_dump(exclude={*_SECRETS})
        return DescribeRuntimeConfig(
            **public,
            has_access_key_id=bool(self.access_key_id),
            has_secret_key=bool(self.secret_access_key),
        )


class RuntimeConfigStore:
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _path(self, name: str) -> Path:
        if not CONFIG_NAME.match(name):
            raise NotFound(f"no runtime configuration '{name}'", reason="runtime_config_not_found")
        return self.directory / f"{name}.json"

    def _ensure_dir(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.directory, 0o700)

    def load(self, name: str) -> StoredRuntimeConfig:
        """The configuration with its secrets, for server-side use only."""
        path = self._path(name)
        try:
            return StoredRuntimeConfig.model_validate(json.loads(path.read_bytes()))
        except FileNotFoundError:
            raise NotFound(f"no runtime configuration '{name}'", reason="runtime_config_not_found") from None
        except (ValueError, ValidationError) as e:
            raise InvalidRequest(
                f"runtime configuration '{name}' is unreadable ({path}): {e}", reason="runtime_config_unreadable"
            ) from None

    def get(self, name: str) -> DescribeRuntimeConfig:
        return self.load(name).describe()

    def list(self) -> list[DescribeRuntimeConfig]:
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob("*.json")):
            try:
                found.append(self.load(path.stem).describe())
            except (NotFound, InvalidRequest):
                continue  # a stray or broken file must not hide the others
        return found

    def create(self, request: CreateRuntimeConfig) -> DescribeRuntimeConfig:
        if self._path(request.name).exists():
            raise Conflict(f"runtime configuration '{request.name}' already exists", property="name")
        stored = StoredRuntimeConfig(**request.model_dump())
        return self._write(stored)

    def update(self, name: str, request: UpdateRuntimeConfig) -> DescribeRuntimeConfig:
        current = self.load(name)
        fields = request.model_dump(exclude={*_SECRETS})
        for secret in _SECRETS:
            value = getattr(request, secret)
            # None: keep what is stored; "": clear it.
            fields[secret] = getattr(current, secret) if value is None else (value or None)
        return self._write(StoredRuntimeConfig(name=name, **fields))

    def delete(self, name: str) -> None:
        path = self._path(name)
        try:
            path.unlink()
        except FileNotFoundError:
            raise NotFound(f"no runtime configuration '{name}'", reason="runtime_config_not_found") from None

    def _write(self, stored: StoredRuntimeConfig) -> DescribeRuntimeConfig:
        if stored.credentials_mode == CredentialsMode.keys and not (
            stored.access_key_id and stored.secret_access_key
        ):
            raise InvalidRequest(
                "credentials_mode 'keys' needs access_key_id and secret_access_key",
                property="secret_access_key",
            )
        stored.updated = datetime.now(timezone.utc)
        self._ensure_dir()
        atomic_write_json(self._path(stored.name), stored.model_dump(mode="json"), mode=0o600)
        return stored.describe()
