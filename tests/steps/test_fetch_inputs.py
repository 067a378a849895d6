"""Upstream outputs travel through the tasks' outputs-from.txt lists (src/compiler/inputs.ts).

Each task names only its direct parents (TEKTON_INPUTS_FROM); save.sh uploads
`<task>/outputs-from.txt` (what the task received, then itself when it declares outputs) and
fetch.sh merges the parents' lists. Played for real against MinIO with small .py nodes.
"""
import json

import pytest

from steps_support import LAUNCH_MODES, run_task, submit_run

# a (writes shared.txt, a.txt) → b (no outputs) → c (writes shared.txt, c.txt); d ← c, a; e ← b
WRITES = {
    "a": {"shared.txt": "from a", "a.txt": "a"},
    "b": {},
    "c": {"shared.txt": "from c", "c.txt": "c"},
    "d": {"d.txt": "d"},
    "e": {},
}


def node_script(tmp_path, task):
    """A .py node that records which files it received, then writes its own."""
    path = tmp_path / "src" / task / (task + ".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["import json, os",
             "json.dump(sorted(os.listdir('.')), open('seen-%s.json', 'w'))" % task]
    lines += ["open(%r, 'w').write(%r)" % (name, text) for name, text in WRITES[task].items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def play(minio, tmp_path, prefix, mode, parents):
    submit_run(minio, prefix, {t: {t + ".py": node_script(tmp_path, t)} for t in WRITES})
    results = {}
    for task in WRITES:
        # kind=None: run.sh derives it from the extension, as in compiled embedded tasks.
        results[task] = run_task(minio, tmp_path / mode, prefix, task, task + ".py", kind=None,
                                 inputs_from=parents.get(task, ()), outputs=sorted(WRITES[task]), mode=mode)
        r = results[task]
        assert r.exit_code == 0, (task, r.fetch.stderr, r.run and r.run.stdout, r.save and r.save.stderr)
        status = json.loads(minio.get("%s/%s/status.json" % (prefix, task)))
        assert (status["kind"], status["engine"]) == ("python", "python")
    return results


def outputs_from(minio, prefix, task):
    return minio.get("%s/%s/outputs-from.txt" % (prefix, task)).decode().split()


@pytest.mark.parametrize("mode", LAUNCH_MODES)
def test_outputs_reach_every_descendant_through_direct_parents(mode, minio, tmp_path):
    prefix = "inputs/run-" + mode
    # Only parents that pass outputs on are named (what IRNode.inputParents holds).
    results = play(minio, tmp_path, prefix, mode, {"b": ["a"], "c": ["b"], "d": ["c", "a"], "e": ["b"]})

    assert outputs_from(minio, prefix, "a") == ["a"]
    assert outputs_from(minio, prefix, "b") == ["a"]  # passes a's on, declares nothing itself
    assert outputs_from(minio, prefix, "c") == ["a", "c"]
    assert outputs_from(minio, prefix, "d") == ["a", "c", "d"]
    assert outputs_from(minio, prefix, "e") == ["a"]

    workdir = results["d"].workspace / "node"
    # c got a's files through b, which declares no outputs.
    assert (results["c"].workspace / "node" / "a.txt").read_text() == "a"
    # d got both; c is a's descendant, so its shared.txt wins although a is d's later parent.
    assert (workdir / "a.txt").read_text() == "a" and (workdir / "c.txt").read_text() == "c"
    assert (workdir / "shared.txt").read_text() == "from c"
    assert (results["e"].workspace / "node" / "shared.txt").read_text() == "from a"
    # The merged list is left where save.sh reads it.
    assert (results["d"].workspace / ".tekton" / "outputs-from.txt").read_text().split() == ["a", "c"]


def test_a_root_task_passes_on_an_empty_list(minio, tmp_path):
    prefix = "inputs/root"
    submit_run(minio, prefix, {"e": {"e.py": node_script(tmp_path, "e")}})
    result = run_task(minio, tmp_path, prefix, "e", "e.py", kind="python")
    assert result.exit_code == 0, result.save.stderr
    assert minio.get(prefix + "/e/outputs-from.txt") == b""


def test_a_parent_without_its_list_fails_the_fetch_clearly(minio, tmp_path):
    prefix = "inputs/missing"
    submit_run(minio, prefix, {"d": {"d.py": node_script(tmp_path, "d")}})
    result = run_task(minio, tmp_path, prefix, "d", "d.py", kind="python", inputs_from=["never-ran"])
    assert result.exit_code != 0 and result.run is None
    assert "fetch: cannot download s3/%s/%s/never-ran/outputs-from.txt" % (minio.bucket, prefix) in result.fetch.stderr


def test_names_in_a_list_that_are_not_task_names_are_ignored(minio, tmp_path):
    prefix = "inputs/hostile"
    submit_run(minio, prefix, {"d": {"d.py": node_script(tmp_path, "d")}})
    hostile = tmp_path / "outputs-from.txt"
    hostile.write_text("../../etc\n$(touch pwned)\n*\nok-task\n")
    minio.mc("cp", str(hostile), minio.bucket_url(prefix + "/p/outputs-from.txt"))
    result = run_task(minio, tmp_path, prefix, "d", "d.py", kind="python", inputs_from=["p"])
    assert result.exit_code == 0, result.fetch.stderr
    assert (result.workspace / ".tekton" / "outputs-from.txt").read_text() == "ok-task\n"
    assert not list(tmp_path.rglob("pwned"))
