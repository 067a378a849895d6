"""A node's working directory, laid out as its Tekton task sees `/workspace/node`.

It holds the node file and its dependencies (paths relative to the node file's folder,
like `_sources/<task>/` in object storage) and then the declared outputs of the tasks in
`inputsFrom`, copied in topological order (later tasks win, as the fetch step does).
The directory is temporary and outside the artifacts, so nothing the notebook leaves
behind but its declared outputs reaches the run's folder; source files are copies.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .models import IRNode
from .errors import InvalidRequest, PathOutsideRoot
from .paths import ServerRoot, expand_patterns
from .steps import node_file

OUTPUTS = "outputs"


def source_files(node: IRNode, root: ServerRoot) -> list[tuple[Path, str]]:
    """(real path, path in the working dir) of the node file and its dependencies.

    Raises InvalidRequest / PathOutsideRoot naming the node and the property.
    """
    base = root.resolve(node.base_dir, what="node folder", node_id=node.id, property="filename", allow_root=True)
    files = expand_patterns(
        base,
        [node_file(node)],
        include_subdirectories=False,
        boundary=root.path,
        what=f"node '{node.display}': file",
        node_id=node.id,
        property="filename",
    )
    if node.dependencies:
        files += expand_patterns(
            base,
            node.dependencies,
            include_subdirectories=node.include_subdirectories,
            boundary=root.path,
            what=f"node '{node.display}': dependency",
            node_id=node.id,
            property="dependencies",
        )
    unique = {rel: path for path, rel in files}
    return [(path, rel) for rel, path in unique.items()]


def create(node: IRNode, root: ServerRoot, parent: Path | None = None) -> Path:
    """A new working directory holding the node file and its dependencies.

    The caller removes it when the node ends. Upstream outputs come later (add_inputs), so
    the directory can be made, and the node's kernel started in it, before they exist.
    """
    workdir = Path(tempfile.mkdtemp(prefix=f"tekton-{node.task_name}-", dir=parent)).resolve()
    try:
        for path, rel in source_files(node, root):
            target = workdir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return workdir


def add_inputs(node: IRNode, workdir: Path, run_dir: Path) -> None:
    """Copy the declared outputs of the `inputsFrom` tasks, in order (a later task's file wins)."""
    for upstream in node.inputs_from:
        produced = run_dir / upstream / OUTPUTS
        if produced.is_dir():
            shutil.copytree(produced, workdir, dirs_exist_ok=True, symlinks=True)


def prepare(node: IRNode, root: ServerRoot, run_dir: Path, parent: Path | None = None) -> Path:
    """create() and add_inputs() at once; the caller removes the directory when the node ends."""
    workdir = create(node, root, parent)
    try:
        add_inputs(node, workdir, run_dir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return workdir


def collect_outputs(node: IRNode, workdir: Path, artifacts_dir: Path) -> tuple[list[Path], list[str]]:
    """Copy the declared outputs into `<artifacts>/outputs/`, keeping their relative paths.

    Same rules as the Tekton save step (save.sh): an output that matched no file is a
    warning, listed in `<artifacts>/missing-outputs.txt`, not a failure. An output that is
    a symlink leaving the working directory is not copied (a warning too).
    Returns (copied files, warnings).
    """
    copied: list[Path] = []
    warnings: list[str] = []
    missing: list[str] = []
    for pattern in node.outputs:
        try:
            matched = expand_patterns(
                workdir,
                [pattern],
                include_subdirectories=False,
                whole_directories=True,
                boundary=workdir,
                boundary_name="the working directory",
                what="declared output",
                node_id=node.id,
                property="outputs",
                globs_must_match=True,
            )
        except PathOutsideRoot as e:
            warnings.append(f"{e.message}; not saved")
            continue
        except InvalidRequest:
            warnings.append(f"declared output '{pattern}' matched no file")
            missing.append(pattern)
            continue
        for path, rel in matched:
            target = artifacts_dir / OUTPUTS / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(target)
    if missing:
        (artifacts_dir / "missing-outputs.txt").write_text("".join(f"{m}\n" for m in missing))
    return copied, warnings
