"""A real MinIO server for tests: 127.0.0.1 only, a free port, a temp data dir, one bucket.

    from tests.minio_server import MinioServer   # or: from minio_server import MinioServer

    with MinioServer(bucket="pipelines") as s3:
        s3.endpoint, s3.access_key, s3.secret_key, s3.bucket
        s3.mc("ls", "-r", s3.bucket_url())      # the mc client, configured
        s3.boto3_client().list_objects_v2(Bucket=s3.bucket)

Binaries come from scripts/install-minio.sh (built with `go install`, cached in
~/.cache/jupyterlab-tekton/bin or $MINIO_BIN_DIR). `find_binaries(build=True)` runs
that script when they are missing, which takes minutes on a cold Go cache.
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INSTALL_SCRIPT = REPO / "scripts" / "install-minio.sh"


class MinioError(RuntimeError):
    pass


def default_bin_dir():
    if os.environ.get("MINIO_BIN_DIR"):
        return Path(os.environ["MINIO_BIN_DIR"])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "jupyterlab-tekton" / "bin"


def find_binaries(build=False):
    """Paths of (minio, mc): the cache dir first, then PATH; optionally build them."""
    bin_dir = default_bin_dir()
    pair = (bin_dir / "minio", bin_dir / "mc")
    if all(p.is_file() and os.access(p, os.X_OK) for p in pair):
        return pair
    on_path = (shutil.which("minio"), shutil.which("mc"))
    if all(on_path):
        return Path(on_path[0]), Path(on_path[1])
    if not build:
        raise MinioError("MinIO binaries not found in %s or on PATH; run scripts/install-minio.sh" % bin_dir)
    out = subprocess.run(["sh", str(INSTALL_SCRIPT)], check=True, stdout=subprocess.PIPE, text=True)
    bin_dir = Path(out.stdout.strip().splitlines()[-1])
    return bin_dir / "minio", bin_dir / "mc"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MinioServer:
    """Starts `minio server` on 127.0.0.1:<free port>; stop() kills it and removes its data."""

    def __init__(self, bucket="pipelines", access_key="tekton-test", secret_key="tekton-test-secret",
                 build=False, startup_timeout=60.0):
        self.bucket = bucket
        self.access_key = access_key
        self.secret_key = secret_key
        self.minio_bin, self.mc_bin = find_binaries(build=build)
        self.startup_timeout = startup_timeout
        self.port = None
        self.process = None
        self.root = None
        self.log_path = None

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def mc_config_dir(self):
        return os.path.join(self.root, "mc")

    def bucket_url(self, key=""):
        """mc path of a key in the bucket, e.g. `test/pipelines/run/a.txt`."""
        return "test/%s/%s" % (self.bucket, key.lstrip("/")) if key else "test/" + self.bucket

    def start(self):
        self.root = tempfile.mkdtemp(prefix="minio-test-")
        data = os.path.join(self.root, "data")
        os.makedirs(data)
        self.log_path = os.path.join(self.root, "minio.log")
        env = dict(os.environ, MINIO_ROOT_USER=self.access_key, MINIO_ROOT_PASSWORD=self.secret_key,
                   MINIO_BROWSER="off", MINIO_UPDATE="off", HOME=self.root)
        for attempt in range(3):  # the free port can be taken between probe and bind
            self.port = free_port()
            console = free_port()
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    [str(self.minio_bin), "server", "--quiet", "--address", "127.0.0.1:%d" % self.port,
                     "--console-address", "127.0.0.1:%d" % console, data],
                    env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            if self._wait_ready():
                break
            self._kill()
        else:
            log = Path(self.log_path).read_text(errors="replace")[-2000:]
            self.stop()
            raise MinioError("MinIO did not start:\n" + log)
        self.mc("alias", "set", "test", self.endpoint, self.access_key, self.secret_key)
        self.mc("mb", "--ignore-existing", self.bucket_url())
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + self.startup_timeout
        url = self.endpoint + "/minio/health/ready"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        return False

    def mc(self, *args, check=True):
        """Runs mc with this server's alias `test`; returns the CompletedProcess (text)."""
        env = dict(os.environ, MC_CONFIG_DIR=self.mc_config_dir)
        result = subprocess.run([str(self.mc_bin), "--no-color", "--quiet", *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise MinioError("mc %s failed (%d): %s" % (" ".join(args), result.returncode, result.stderr))
        return result

    def list_keys(self, prefix=""):
        """All object keys under prefix in the bucket, sorted."""
        out = self.mc("ls", "-r", "--json", self.bucket_url(prefix), check=False).stdout
        keys = []
        for line in out.splitlines():
            item = json.loads(line)
            if item.get("status") == "success" and item.get("type") == "file":
                keys.append(prefix.rstrip("/") + "/" + item["key"] if prefix else item["key"])
        return sorted(keys)

    def get(self, key):
        """The bytes of one object."""
        result = subprocess.run([str(self.mc_bin), "--no-color", "cat", self.bucket_url(key)],
                                env=dict(os.environ, MC_CONFIG_DIR=self.mc_config_dir),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if result.returncode != 0:
            raise MinioError("mc cat %s failed: %s" % (key, result.stderr.decode(errors="replace")))
        return result.stdout

    def boto3_client(self):
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name="us-east-1",
                            config=Config(s3={"addressing_style": "path"}))

    def _kill(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def stop(self):
        self._kill()
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
