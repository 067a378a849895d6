"""Paths the server touches on behalf of a request: all of them stay inside the server root.

A path coming from a request (pipeline file, node file, dependency glob, output glob, runs
root) is refused when it is absolute, climbs out with `..`, or resolves through a symlink
to somewhere outside the root. Refusals are `PathOutsideRoot` errors (HTTP 400) naming the
node and the property, so the editor can point at the field.

Glob semantics shared by dependencies (node working dir, uploads) and declared outputs:
- a pattern is relative to its base directory; `*`, `?`, `[...]` match within one path
  segment and `**` spans directories; hidden files match only when named explicitly;
- `include_subdirectories` also matches the pattern at any depth below the base and makes a
  matched directory contribute its whole tree; without it a matched directory contributes
  the files directly inside it;
- a plain name (no glob characters) that matches nothing is an error; for dependencies a
  glob that matches nothing is an error too (the node would run without its inputs).
"""
from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import InvalidRequest, PathOutsideRoot

_GLOB_CHARS = re.compile(r"[*?\[]")
# Folders that are JupyterLab's bookkeeping, never a user's dependency or output.
_SKIPPED_DIRS = {".ipynb_checkpoints", "__pycache__"}


def has_glob(pattern: str) -> bool:
    return bool(_GLOB_CHARS.search(pattern))


def check_relative(
    value: str, *, what: str, node_id: str | None = None, property: str | None = None  # noqa: A002
) -> PurePosixPath:
    """Validate a request path: relative, posix, no `..`, no NUL. Returns it parsed."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"{what} is empty", node_id=node_id, property=property)
    if "\x00" in value:
        raise InvalidRequest(f"{what} contains a NUL character", node_id=node_id, property=property)
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", value):
        raise PathOutsideRoot(
            f"{what} '{value}' is an absolute path; paths must be relative to the server root",
            node_id=node_id,
            property=property,
        )
    posix = PurePosixPath(value.replace("\\", "/"))
    if ".." in posix.parts:
        raise PathOutsideRoot(
            f"{what} '{value}' contains '..'; it may not leave its folder",
            node_id=node_id,
            property=property,
        )
    return posix


class ServerRoot:
    """The directory Jupyter serves; every request path is resolved against it."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.path = Path(root).resolve()

    def contains(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.path)

    def resolve(
        self,
        value: str,
        *,
        what: str,
        node_id: str | None = None,
        property: str | None = None,  # noqa: A002
        allow_root: bool = False,
    ) -> Path:
        """Resolve a root-relative path, following symlinks, and refuse anything outside."""
        if allow_root and value in ("", ".", "./"):
            return self.path
        posix = check_relative(value, what=what, node_id=node_id, property=property)
        resolved = self.path.joinpath(*posix.parts).resolve()
        if not resolved.is_relative_to(self.path):
            raise PathOutsideRoot(
                f"{what} '{value}' resolves (through a symlink) to a location outside the server root",
                node_id=node_id,
                property=property,
            )
        return resolved

    def relative(self, path: Path) -> str:
        """Posix path of `path` relative to the root (for API replies and the UI)."""
        return path.resolve().relative_to(self.path).as_posix()


def expand_patterns(
    base: Path,
    patterns: list[str],
    *,
    include_subdirectories: bool,
    boundary: Path,
    what: str,
    node_id: str | None = None,
    property: str | None = None,  # noqa: A002
    globs_must_match: bool = True,
    whole_directories: bool | None = None,
    boundary_name: str = "the server root",
) -> list[tuple[Path, str]]:
    """Files matched by `patterns` under `base`: (real path, posix path relative to base).

    Every file's real path must lie inside `boundary` (the server root, or the working dir
    for outputs); symlinks pointing elsewhere are refused, never followed out.
    `whole_directories` (default: `include_subdirectories`) makes a matched directory
    contribute its whole tree; declared outputs use it without the any-depth matching.
    """
    if whole_directories is None:
        whole_directories = include_subdirectories
    collector = _Collector(boundary, boundary_name, what, node_id, property)
    for pattern in patterns:
        posix = check_relative(pattern, what=what, node_id=node_id, property=property)
        pattern = posix.as_posix()
        candidates = [pattern]
        if include_subdirectories and not pattern.startswith("**/"):
            candidates.append("**/" + pattern)
        matches: list[str] = []
        for candidate in candidates:
            if has_glob(candidate):
                matches += glob.glob(candidate, root_dir=base, recursive=True)
            elif os.path.lexists(base / candidate):
                matches.append(candidate)
        if not matches:
            if has_glob(pattern) and not globs_must_match:
                continue
            verb = "matches no file in" if has_glob(pattern) else "does not exist in"
            raise InvalidRequest(
                f"{what} '{pattern}' {verb} '{_shown(base, boundary)}'",
                node_id=node_id,
                property=property,
            )
        for match in matches:
            collector.collect(base, match, whole_directories)
    return sorted(((path, rel) for rel, path in collector.found.items()), key=lambda item: item[1])


@dataclass
class _Collector:
    """Gathers the files of matched paths into `found`, refusing symlinks out of `boundary`."""

    boundary: Path
    boundary_name: str
    what: str
    node_id: str | None
    property: str | None  # noqa: A003 - the wire name
    # Posix path relative to the pattern base → real path; the first match of a file wins.
    found: dict[str, Path] = field(default_factory=dict)

    def collect(self, base: Path, match: str, recursive: bool) -> None:
        path = base / match
        real = self._real_inside(path, match)
        if real.is_file():
            self.found.setdefault(_normalise(PurePosixPath(match)), real)
            return
        if not real.is_dir():
            return  # sockets, dangling links: nothing to copy
        if PurePosixPath(match).name in _SKIPPED_DIRS:
            return
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS) if recursive else []
            for name in sorted(filenames):
                rel = PurePosixPath(match, Path(dirpath).relative_to(path).as_posix(), name)
                real = self._real_inside(Path(dirpath) / name, rel.as_posix())
                if real.is_file():
                    self.found.setdefault(_normalise(rel), real)

    def _real_inside(self, path: Path, shown: str) -> Path:
        """`path` with its symlinks resolved; refused when that leaves the boundary."""
        real = path.resolve()
        if not real.is_relative_to(self.boundary):
            raise PathOutsideRoot(
                f"{self.what} '{shown}' is a symlink to a location outside {self.boundary_name}",
                node_id=self.node_id,
                property=self.property,
            )
        return real


def _normalise(rel: PurePosixPath) -> str:
    return PurePosixPath(*[p for p in rel.parts if p not in (".", "")]).as_posix()


def _shown(base: Path, boundary: Path) -> str:
    try:
        return base.relative_to(boundary).as_posix() or "."
    except ValueError:
        return base.name
