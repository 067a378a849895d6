"""Domain errors of the server extension and their HTTP meaning.

Every error a user can cause or fix is a `TektonError` subclass; the handlers turn it into
a JSON reply `{message, reason, details: {nodeId, property, ...}}` with the subclass's
status. Anything else is a bug: it is logged and answered with a bare 500.
"""
from __future__ import annotations

from typing import Any


class TektonError(Exception):
    """Base class: a message for the user, optionally located at a node and property."""

    status_code = 500
    reason = "error"

    def __init_subclass__(cls, *, status: int | None = None, reason: str | None = None, **kwargs: Any) -> None:
        # `class X(TektonError, status=404, reason="not_found")`: each kind on one line;
        # a subclass that names neither keeps its parent's.
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status_code = status
        if reason is not None:
            cls.reason = reason

    def __init__(
        self,
        message: str,
        *,
        node_id: str | None = None,
        property: str | None = None,  # noqa: A002 - the wire name
        reason: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.node_id = node_id
        self.property = property
        if reason:
            self.reason = reason
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        details: dict[str, Any] = {"nodeId": self.node_id, "property": self.property}
        details.update(self.extra)
        return {"message": self.message, "reason": self.reason, "details": details}


class InvalidRequest(TektonError, status=400, reason="invalid_request"):
    """The request is malformed or names something that cannot be run (400)."""


class PathOutsideRoot(InvalidRequest, reason="path_outside_root"):
    """A path is absolute, climbs out with `..`, or is a symlink leaving the server root (400)."""


class Forbidden(TektonError, status=403, reason="forbidden"):
    """The server, cluster or bucket refuses the action (403)."""


class NotFound(TektonError, status=404, reason="not_found"):
    """A run, node or runtime configuration that does not exist (404)."""


class Conflict(TektonError, status=409, reason="conflict"):
    """The action clashes with the current state, e.g. deleting a running run (409)."""


class UpstreamError(TektonError, status=502, reason="upstream_error"):
    """Object storage or the Kubernetes API answered with an error (502)."""


class Unavailable(TektonError, status=503, reason="unavailable"):
    """Something the action needs is missing or unreachable (503)."""
