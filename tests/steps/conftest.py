"""Fixtures for the step-script tests: a real MinIO (session) and a bare venv."""
import pytest

from steps_support import MinioServer, make_bare_venv


@pytest.fixture(scope="session")
def minio():
    # Builds MinIO and mc with scripts/install-minio.sh if they are not cached yet.
    with MinioServer(bucket="pipelines", build=True) as server:
        yield server


@pytest.fixture(scope="session")
def bare_python(tmp_path_factory):
    """python3 of a venv with no packages at all (not even pip): an image without Jupyter."""
    return make_bare_venv(tmp_path_factory.mktemp("bare"))
