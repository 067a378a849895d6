"""Object storage of a runtime configuration: a run's uploads in, its artifacts out.

Key layout (src/compiler/steps/README.md): everything of a run lives under
`<pipeline-name>/<run-id>/` — `_tekton/runner.py` and other `content` uploads at their
key, node sources under `_sources/<task>/` (the compiler's `files` uploads, expanded
here with the same glob rules as local runs, paths inside the server root only), and
what the save steps write under `<task>/`.

`ObjectStorage` is the contract (`TektonApp.storage_class`); `S3ObjectStorage` is the
default, for any S3-compatible service (MinIO, Ceph, AWS) through boto3. The server
authenticates as the configuration says (`credentials_mode`): env vars, an AWS profile,
or stored keys. Errors become TektonErrors whose messages never contain credentials.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from traitlets.config import LoggingConfigurable

from .config import StoredRuntimeConfig
from .errors import Forbidden, InvalidRequest, NotFound, TektonError, Unavailable, UpstreamError
from .models import ConnectionCheck, ContentUpload, CredentialsMode, FilesUpload, Upload
from .paths import ServerRoot, check_relative, expand_patterns


@dataclass
class ObjectInfo:
    key: str
    size: int
    last_modified: datetime | None = None


@dataclass
class UploadProgress:
    """Reported after every chunk: enough for a progress bar and a file name."""

    key: str
    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int


@dataclass
class UploadItem:
    key: str
    source: Path | None = None  # a file under the server root ...
    content: bytes | None = None  # ... or literal content

    @property
    def size(self) -> int:
        return len(self.content) if self.content is not None else self.source.stat().st_size


ProgressCallback = Callable[[UploadProgress], None]


def plan_uploads(uploads: list[Upload], run_prefix: str, root: ServerRoot) -> list[UploadItem]:
    """Object keys and sources for a compile result's uploads (validates every path)."""
    check_relative(run_prefix, what="run prefix", property="uploads")
    items: dict[str, UploadItem] = {}
    for upload in uploads:
        if isinstance(upload, ContentUpload):
            key = check_relative(upload.key, what="upload key", property="uploads").as_posix()
            items[f"{run_prefix}/{key}"] = UploadItem(f"{run_prefix}/{key}", content=upload.content.encode())
            continue
        assert isinstance(upload, FilesUpload)
        prefix = check_relative(upload.key_prefix, what="upload key prefix", node_id=upload.node_id, property="dependencies")
        base = root.resolve(
            upload.base_dir, what="node folder", node_id=upload.node_id, property="filename", allow_root=True
        )
        files = expand_patterns(
            base,
            upload.patterns,
            include_subdirectories=upload.include_subdirectories,
            boundary=root.path,
            what=f"node '{upload.task_name}': dependency",
            node_id=upload.node_id,
            property="dependencies",
        )
        for path, rel in files:
            key = f"{run_prefix}/{PurePosixPath(prefix, rel).as_posix()}"
            items[key] = UploadItem(key, source=path)
    return list(items.values())


class ObjectStorage(LoggingConfigurable):
    """One bucket of one runtime configuration, as the server reaches it.

    Implementations must raise TektonErrors: NotFound (bucket/key missing), Forbidden
    (credentials refused), Unavailable (endpoint unreachable), UpstreamError (other
    service errors) — with messages a user can act on and no credential in them.
    """

    def __init__(self, runtime_config: StoredRuntimeConfig, **kwargs) -> None:
        super().__init__(**kwargs)
        self.runtime_config = runtime_config
        if not runtime_config.bucket:
            raise InvalidRequest(
                f"runtime configuration '{runtime_config.name}' has no bucket", property="bucket"
            )
        if not (runtime_config.storage_server_endpoint or runtime_config.storage_endpoint):
            raise InvalidRequest(
                f"runtime configuration '{runtime_config.name}' has no object storage endpoint",
                property="storage_endpoint",
            )

    @property
    def bucket(self) -> str:
        return self.runtime_config.bucket

    def check(self, create_missing: bool = False) -> ConnectionCheck:
        """Whether the bucket is reachable with these credentials (optionally create it)."""
        raise NotImplementedError

    def ensure_bucket(self) -> None:
        """Create the bucket when it does not exist."""
        raise NotImplementedError

    def put(self, item: UploadItem, progress: Callable[[int], None] | None = None) -> None:
        raise NotImplementedError

    def list(self, prefix: str) -> list[ObjectInfo]:
        raise NotImplementedError

    def download(self, key: str) -> bytes:
        raise NotImplementedError

    def download_file(self, key: str, target: Path) -> None:
        raise NotImplementedError

    def open(self, key: str, chunk_size: int = 1024 * 1024) -> tuple[int, Iterator[bytes]]:
        """An object's size and its content in chunks (read lazily, for streaming replies)."""
        raise NotImplementedError

    def upload_run(
        self,
        uploads: list[Upload],
        run_prefix: str,
        root: ServerRoot,
        progress: ProgressCallback | None = None,
    ) -> list[str]:
        """Upload a compile result's `uploads` under `run_prefix`; returns the keys."""
        items = plan_uploads(uploads, run_prefix, root)
        total = sum(item.size for item in items)
        done = 0
        for index, item in enumerate(items):
            def on_bytes(n: int, item=item, index=index) -> None:
                nonlocal done
                done += n
                if progress:
                    progress(UploadProgress(item.key, done, total, index, len(items)))

            self.put(item, on_bytes)
            if progress:
                progress(UploadProgress(item.key, done, total, index + 1, len(items)))
        return [item.key for item in items]


class S3ObjectStorage(ObjectStorage):
    """S3-compatible storage through boto3 (path-style addressing, as MinIO wants)."""

    def __init__(self, runtime_config: StoredRuntimeConfig, **kwargs) -> None:
        super().__init__(runtime_config, **kwargs)
        self._client = None

    @property
    def endpoint(self) -> str:
        return self.runtime_config.storage_server_endpoint or self.runtime_config.storage_endpoint

    @property
    def client(self):
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = self._session(boto3).client(
                "s3",
                endpoint_url=self.endpoint,
                region_name=self.runtime_config.region or "us-east-1",
                config=Config(
                    s3={"addressing_style": "path"},
                    connect_timeout=5,
                    read_timeout=60,
                    retries={"max_attempts": 2, "mode": "standard"},
                ),
            )
        return self._client

    def _session(self, boto3):
        rc = self.runtime_config
        if rc.credentials_mode == CredentialsMode.keys:
            return boto3.session.Session(
                aws_access_key_id=rc.access_key_id, aws_secret_access_key=rc.secret_access_key
            )
        if rc.credentials_mode == CredentialsMode.profile:
            import botocore.exceptions

            try:
                return boto3.session.Session(profile_name=rc.aws_profile)
            except botocore.exceptions.ProfileNotFound:
                raise InvalidRequest(
                    f"AWS profile '{rc.aws_profile}' is not configured for the server's user",
                    property="aws_profile",
                ) from None
        missing = [v for v in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") if not os.environ.get(v)]
        if missing:
            raise InvalidRequest(
                f"credentials_mode 'env' but {' and '.join(missing)} not set in the Jupyter server's environment",
                property="credentials_mode",
            )
        # Only the env vars: no shared files, no instance metadata lookups.
        return boto3.session.Session(
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=os.environ.get("AWS_SESSION_TOKEN"),
        )

    def _call(self, what: str, fn, *args, **kwargs):
        """Run a boto3 call, translating its exceptions into TektonErrors."""
        import botocore.exceptions as bx
        from boto3.exceptions import S3UploadFailedError

        try:
            return fn(*args, **kwargs)
        except TektonError:
            raise
        except bx.ClientError as e:
            error = e.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            text = f"{what}: {error.get('Message') or code} ({code or status})"
            if code in ("NoSuchBucket", "NoSuchKey", "404", "NotFound") or status == 404:
                raise NotFound(text, reason="storage_not_found", api_code=code) from None
            if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403") or status == 403:
                raise Forbidden(text, reason="storage_forbidden", api_code=code) from None
            raise UpstreamError(text, reason="storage_error", api_code=code) from None
        except (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ReadTimeoutError) as e:
            raise Unavailable(
                f"{what}: object storage at {self.endpoint} is unreachable ({type(e).__name__})",
                reason="storage_unreachable",
            ) from None
        except S3UploadFailedError as e:
            # boto3's transfer manager wraps the ClientError in text: keep its code.
            text = f"{what}: {e}"
            if "AccessDenied" in text or "InvalidAccessKeyId" in text or "SignatureDoesNotMatch" in text:
                raise Forbidden(text, reason="storage_forbidden") from None
            if "NoSuchBucket" in text:
                raise NotFound(text, reason="storage_not_found") from None
            raise UpstreamError(text, reason="storage_error") from None
        except bx.NoCredentialsError:
            raise InvalidRequest(f"{what}: no object storage credentials", property="credentials_mode") from None
        except bx.BotoCoreError as e:
            raise UpstreamError(f"{what}: {type(e).__name__}: {e}", reason="storage_error") from None

    def check(self, create_missing: bool = False) -> ConnectionCheck:
        try:
            self._call(f"bucket '{self.bucket}'", self.client.head_bucket, Bucket=self.bucket)
            return ConnectionCheck(ok=True, message=f"bucket '{self.bucket}' at {self.endpoint} is reachable")
        except NotFound:
            if not create_missing:
                return ConnectionCheck(
                    ok=False, message=f"bucket '{self.bucket}' does not exist at {self.endpoint}"
                )
        except TektonError as e:
            return ConnectionCheck(ok=False, message=e.message)
        try:
            self.ensure_bucket()
        except TektonError as e:
            return ConnectionCheck(ok=False, message=f"bucket '{self.bucket}' does not exist and cannot be created: {e.message}")
        return ConnectionCheck(ok=True, message=f"bucket '{self.bucket}' created at {self.endpoint}")

    def ensure_bucket(self) -> None:
        try:
            self._call(f"bucket '{self.bucket}'", self.client.head_bucket, Bucket=self.bucket)
        except NotFound:
            kwargs = {"Bucket": self.bucket}
            region = self.runtime_config.region
            if region and region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
            self._call(f"create bucket '{self.bucket}'", self.client.create_bucket, **kwargs)

    def put(self, item: UploadItem, progress: Callable[[int], None] | None = None) -> None:
        if item.content is not None:
            self._call(
                f"upload {item.key}", self.client.put_object, Bucket=self.bucket, Key=item.key, Body=item.content
            )
            if progress:
                progress(len(item.content))
            return
        self._call(
            f"upload {item.key}",
            self.client.upload_file,
            str(item.source),
            self.bucket,
            item.key,
            Callback=progress,
        )

    def list(self, prefix: str) -> list[ObjectInfo]:
        found = []
        paginator = self.client.get_paginator("list_objects_v2")

        def pages():
            return list(paginator.paginate(Bucket=self.bucket, Prefix=prefix))

        for page in self._call(f"list {prefix}", pages):
            for obj in page.get("Contents", []):
                found.append(ObjectInfo(obj["Key"], obj["Size"], obj.get("LastModified")))
        return found

    def download(self, key: str) -> bytes:
        response = self._call(f"download {key}", self.client.get_object, Bucket=self.bucket, Key=key)
        return self._call(f"download {key}", response["Body"].read)

    def download_file(self, key: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self._call(f"download {key}", self.client.download_file, self.bucket, key, str(target))

    def open(self, key: str, chunk_size: int = 1024 * 1024) -> tuple[int, Iterator[bytes]]:
        response = self._call(f"download {key}", self.client.get_object, Bucket=self.bucket, Key=key)
        body = response["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                while True:
                    data = self._call(f"download {key}", body.read, chunk_size)
                    if not data:
                        return
                    yield data
            finally:
                body.close()

        return int(response.get("ContentLength") or 0), chunks()
