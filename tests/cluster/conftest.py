"""The test cluster for tests/cluster: real kube-apiserver, real Tekton controller, kwok pods.

The fixtures (`cluster`, `namespace`) are shared with tests/submit: see tests/kube_fixtures.py.
"""
from kube_fixtures import cluster, namespace, namespace_prefix  # noqa: F401 - fixtures
