"""Runs one pipeline node (notebook, Python or R script) and records what happened.

Standard library only (Python 3.8+): it runs in whatever image the node names, and
uses the best notebook engine that image offers -- papermill, else nbclient with a
kernel, else IPython's in-process shell, else plain ``exec`` of the code cells. It
never modifies the source file and always leaves, in the artifacts directory, the
executed notebook (valid nbformat v4, error output in the failing cell), ``run.log``
and ``status.json``. Exit code: 0 ok, 1 the node failed, 2 the runner could not start
it (bad configuration), 127 the interpreter the node needs is missing.

Configured by environment variables only (see README.md beside this file):
TEKTON_WORKDIR, TEKTON_ARTIFACTS_DIR, TEKTON_NODE_FILE, TEKTON_NODE_KIND,
TEKTON_PARAMETERS_SPEC and one variable per parameter, optional TEKTON_ENGINE.
Run it as ``python3 runner.py`` in a subprocess, or call ``main(environ)``.
"""
import ast
import base64
import builtins
import datetime
import io
import json
import linecache
import os
import re
import shutil
import subprocess
import sys
import traceback
import uuid

ENGINES = ("papermill", "nbclient", "ipython", "exec")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The real stdout, even while an in-process engine captures sys.stdout for a cell.
REAL_STDOUT = sys.stdout


class RunnerError(Exception):
    """A problem with the configuration, not with the user's code (exit code 2)."""

    def __init__(self, message, code=2):
        super().__init__(message)
        self.code = code


class Log:
    """run.log, mirrored to the step's stdout so Tekton shows it live."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8", errors="replace")

    def write(self, text):
        if not text:
            return
        text = ANSI.sub("", text)
        self.file.write(text)
        self.file.flush()
        try:
            REAL_STDOUT.write(text)
            REAL_STDOUT.flush()
        except (OSError, ValueError):
            pass

    def flush(self):
        self.file.flush()

    def line(self, text):
        self.write("[runner] " + text + "\n")

    def close(self):
        self.file.close()


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# ---- parameters ------------------------------------------------------------------

def read_parameters(env):
    """Typed values of the parameters in TEKTON_PARAMETERS_SPEC that have a value."""
    raw = env.get("TEKTON_PARAMETERS_SPEC", "").strip()
    if not raw:
        return {}
    try:
        spec = json.loads(raw)
    except ValueError as e:
        raise RunnerError("TEKTON_PARAMETERS_SPEC is not valid JSON: %s" % e)
    if not isinstance(spec, list):
        raise RunnerError("TEKTON_PARAMETERS_SPEC must be a JSON list")
    values = {}
    for item in spec:
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.isidentifier():
            raise RunnerError("parameter name %r is not a valid identifier" % (name,))
        if name not in env:
            continue
        values[name] = convert(name, item.get("type") or "String", env[name])
    return values


def convert(name, kind, text):
    try:
        if kind == "Integer":
            return int(text.strip())
        if kind == "Float":
            return float(text.strip())
        if kind == "Bool":
            lowered = text.strip().lower()
            if lowered in ("true", "1", "yes", "y", "on"):
                return True
            if lowered in ("false", "0", "no", "n", "off", ""):
                return False
            raise ValueError("not a boolean")
    except ValueError:
        raise RunnerError("parameter %s: %r is not a valid %s" % (name, text, kind))
    if kind != "String":
        raise RunnerError("parameter %s: unknown type %r" % (name, kind))
    return text


def literal(value, language):
    """Source text for a value in the notebook's language (papermill's translators)."""
    if language == "r":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return "%dL" % value
        if isinstance(value, float):
            return repr(value) if value == value and abs(value) != float("inf") else (
                "NaN" if value != value else ("Inf" if value > 0 else "-Inf"))
        return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        return "float(%r)" % repr(value)
    return repr(value)


def parameters_source(values, language):
    lines = ["# Parameters"] + ["%s = %s" % (k, literal(v, language)) for k, v in values.items()]
    return "\n".join(lines) + "\n"


# ---- notebook structure (plain JSON, no nbformat needed) -------------------------

def source_text(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def new_id(nb):
    return uuid.uuid4().hex[:8] if nb.get("nbformat_minor", 0) >= 5 else None


def make_cell(nb, cell_type, source, tags=()):
    cell = {"cell_type": cell_type, "metadata": {"tags": list(tags)} if tags else {}, "source": source}
    cid = new_id(nb)
    if cid:
        cell["id"] = cid
    if cell_type == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def prepare(nb, values, language):
    """Clears old outputs and injects the parameters cell the way papermill does."""
    nb.setdefault("metadata", {})
    for cell in nb.get("cells", []):
        cell.setdefault("metadata", {})
        if nb.get("nbformat_minor", 0) >= 5 and "id" not in cell:
            cell["id"] = uuid.uuid4().hex[:8]
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    if not values:
        return
    cells = [c for c in nb["cells"] if "injected-parameters" not in c["metadata"].get("tags", [])]
    at = 0
    for i, cell in enumerate(cells):
        if "parameters" in cell["metadata"].get("tags", []):
            at = i + 1
            break
    cells.insert(at, make_cell(nb, "code", parameters_source(values, language), ["injected-parameters"]))
    nb["cells"] = cells


def notebook_language(nb):
    meta = nb.get("metadata", {})
    lang = (meta.get("kernelspec", {}).get("language") or meta.get("language_info", {}).get("name") or "python")
    return lang.lower()


def error_output(ename, evalue, tb_lines):
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": tb_lines}


def mark_failure(nb, index, ename, evalue):
    """A markdown cell on top pointing at the failing cell (papermill does the same)."""
    text = "**Execution failed** in code cell %d: `%s: %s`" % (index, ename, evalue.splitlines()[0] if evalue else "")
    nb["cells"].insert(0, make_cell(nb, "markdown", text, ["tekton-error"]))


def failure_notebook(message):
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    cell = make_cell(nb, "code", "# The runner could not execute this node.")
    cell["outputs"] = [error_output("RunnerError", message, ["RunnerError: " + message])]
    nb["cells"].append(cell)
    return nb


# ---- in-process execution: output capture shared by the IPython and exec engines -

class CellOutputs:
    """The outputs list of the cell being executed, plus the log mirror."""

    def __init__(self, log):
        self.log = log
        self.outputs = []

    def stream(self, name, text):
        if self.outputs and self.outputs[-1].get("output_type") == "stream" and self.outputs[-1]["name"] == name:
            self.outputs[-1]["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})
        self.log.write(text)

    def rich(self, output_type, data, metadata, count=None):
        out = {"output_type": output_type, "data": data, "metadata": metadata or {}}
        if output_type == "execute_result":
            out["execution_count"] = count
        self.outputs.append(out)
        if "text/plain" in data:
            self.log.write(data["text/plain"] + "\n")

    def error(self, ename, evalue, tb_lines):
        self.outputs.append(error_output(ename, evalue, tb_lines))
        self.log.write("\n".join(tb_lines) + "\n")


class CapturedStream(io.TextIOBase):
    def __init__(self, sink, name):
        self.sink, self.name_ = sink, name

    def writable(self):
        return True

    def write(self, text):
        if text:
            self.sink.stream(self.name_, text)
        return len(text)

    @property
    def encoding(self):
        return "utf-8"


def mimebundle(obj):
    """text/plain plus whatever _repr_*_ methods the object offers (like IPython)."""
    data = {"text/plain": repr(obj)}
    for mime, method in (("text/html", "_repr_html_"), ("text/markdown", "_repr_markdown_"),
                         ("image/svg+xml", "_repr_svg_"), ("image/png", "_repr_png_"),
                         ("image/jpeg", "_repr_jpeg_"), ("text/latex", "_repr_latex_"),
                         ("application/json", "_repr_json_")):
        fn = getattr(obj, method, None)
        if not callable(fn) or isinstance(obj, type):
            continue
        try:
            value = fn()
        except Exception:
            continue
        if isinstance(value, tuple):
            value = value[0]
        if value is None:
            continue
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode("ascii")
        data[mime] = value
    return data


def skip_magics(src, sink):
    """IPython syntax cannot run without IPython: skip it, loudly."""
    if src.lstrip().startswith("%%"):
        sink.stream("stderr", "[runner] cell magic skipped (IPython is not installed in this image)\n")
        return ""
    lines = []
    for line in src.splitlines(True):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            indent = line[: len(line) - len(stripped)]
            sink.stream("stderr", "[runner] skipped (IPython is not installed in this image): %s\n" % stripped.rstrip())
            lines.append(indent + "pass\n")
        else:
            lines.append(line)
    return "".join(lines)


def run_in_process(nb, run_cell, log):
    """Executes code cells in order, stops at the first error; returns the exit code."""
    count = 0
    for index, cell in enumerate(list(nb["cells"])):
        if cell.get("cell_type") != "code":
            continue
        count += 1
        sink = CellOutputs(log)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = CapturedStream(sink, "stdout"), CapturedStream(sink, "stderr")
        try:
            ok = run_cell(source_text(cell), count, sink)
        finally:
            sys.stdout, sys.stderr = saved
        cell["execution_count"] = count
        cell["outputs"] = sink.outputs
        if not ok:
            err = next((o for o in sink.outputs if o["output_type"] == "error"), None)
            mark_failure(nb, count, err["ename"] if err else "Error", err["evalue"] if err else "")
            return 1
    return 0


def exec_engine(nb, workdir, log):
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    current = {}

    def display(*objs, **_):
        for obj in objs:
            current["sink"].rich("display_data", mimebundle(obj), {})

    namespace["display"] = display

    def run_cell(src, count, sink):
        current["sink"] = sink
        src = skip_magics(src, sink)
        name = "<cell %d>" % count
        linecache.cache[name] = (len(src), None, src.splitlines(True), name)
        try:
            tree = ast.parse(src, name)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, name, "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)
                if value is not None:
                    namespace["_"] = value
                    sink.rich("execute_result", mimebundle(value), {}, count)
        except BaseException as e:  # the notebook's error, whatever it is, ends the run
            tb = e.__traceback__.tb_next if e.__traceback__ else None
            lines = traceback.format_exception(type(e), e, tb)
            sink.error(type(e).__name__, str(e), "".join(lines).rstrip("\n").split("\n"))
            return False
        return True

    return run_in_process(nb, run_cell, log)


def ipython_engine(nb, workdir, log):
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type

    current = {}

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            current["sink"].rich("execute_result", format_dict, md_dict, self.prompt_count)

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, *args, **kwargs):
            current["sink"].rich("display_data", data, metadata)

        def clear_output(self, wait=False):
            current["sink"].outputs[:] = []

    class Shell(InteractiveShell):
        displayhook_class = Type(Hook)
        display_pub_class = Type(Publisher)

        def _showtraceback(self, etype, evalue, stb):
            current["sink"].error(etype.__name__, str(evalue), list(stb))

    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # the image's $HOME may be read-only
    try:
        shell = Shell.instance(config=config, colors="NoColor")
    except Exception:  # IPython versions differ in their colour scheme names
        shell = Shell.instance(config=config)

    def run_cell(src, count, sink):
        current["sink"] = sink
        shell.execution_count = count
        result = shell.run_cell(src, store_history=True)
        return result.success

    return run_in_process(nb, run_cell, log)


# ---- kernel-based engines ----------------------------------------------------------

def find_kernel(nb, language):
    """A kernel spec name for the notebook: its own, else any kernel of its language."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        return None
    ksm = KernelSpecManager()
    wanted = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if wanted:
        try:
            ksm.get_kernel_spec(wanted)
            return wanted
        except (NoSuchKernel, Exception):
            pass
    try:
        names = sorted(ksm.find_kernel_specs())
    except Exception:
        return None
    if language == "python" and "python3" in names:
        names.remove("python3")
        names.insert(0, "python3")
    for name in names:
        try:
            if ksm.get_kernel_spec(name).language.lower() == language:
                return name
        except Exception:
            continue
    return None


def papermill_engine(nb, src_path, out_path, values, kernel, workdir, log):
    import logging

    import papermill

    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(message)s"))
    pm_log = logging.getLogger("papermill")
    pm_log.addHandler(handler)
    pm_log.setLevel(logging.INFO)
    try:
        papermill.execute_notebook(src_path, out_path, parameters=values, kernel_name=kernel,
                                   cwd=workdir, progress_bar=False, log_output=True)
        return 0, None
    except papermill.PapermillExecutionError as e:
        log.write(str(e) + "\n")  # papermill logs cell outputs but not the error itself
        return 1, None
    finally:
        pm_log.removeHandler(handler)


def nbclient_engine(nb, kernel, workdir, log):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    node = nbformat.reads(json.dumps(nb), as_version=4)  # joins list sources, as nbclient needs
    client = NotebookClient(node, kernel_name=kernel, resources={"metadata": {"path": workdir}})
    client.reset_execution_trackers()
    code = 0
    with client.setup_kernel():
        try:
            info = client.wait_for_reply(client.kc.kernel_info())
            node.metadata["language_info"] = info["content"]["language_info"]
        except Exception:
            pass
        count = 0
        for index, cell in enumerate(node.cells):
            if cell.cell_type != "code":
                continue
            count += 1
            try:
                client.execute_cell(cell, index)
            except CellExecutionError:
                code = 1
            except DeadKernelError as e:
                cell.outputs.append(nbformat.from_dict(error_output("DeadKernelError", str(e), [str(e)])))
                code = 1
            for out in cell.outputs:
                if out.output_type == "stream":
                    log.write(out.text)
                elif out.output_type == "error":
                    log.write("\n".join(out.traceback) + "\n")
                elif "text/plain" in out.get("data", {}):
                    log.write(out.data["text/plain"] + "\n")
            if code:
                err = next((o for o in cell.outputs if o.output_type == "error"), None)
                result = json.loads(json.dumps(node))
                mark_failure(result, count, err.ename if err else "Error", err.evalue if err else "")
                return code, result
    return code, json.loads(json.dumps(node))


# ---- the node kinds ------------------------------------------------------------------

def available(module):
    try:
        __import__(module)
        return True
    except Exception:
        return False


def usable(engine, language, kernel):
    if engine == "papermill":
        return bool(kernel) and available("papermill")
    if engine == "nbclient":
        return bool(kernel) and available("nbclient") and available("nbformat")
    if engine == "ipython":
        return language == "python" and available("IPython")
    return language == "python"


def choose_engine(language, kernel, forced):
    if forced:
        if forced not in ENGINES:
            raise RunnerError("TEKTON_ENGINE=%s is not one of %s" % (forced, ", ".join(ENGINES)))
        if not usable(forced, language, kernel):
            raise RunnerError("engine %s is not available in this image for a %s notebook" % (forced, language))
        return forced
    for engine in ENGINES:
        if usable(engine, language, kernel):
            return engine
    if language == "r":
        raise RunnerError("R notebooks need the IRkernel Jupyter kernel ('ir') and papermill or "
                          "nbclient in the image; none found. Use an image with IRkernel, "
                          "or a .r script (run with Rscript).", 127)
    raise RunnerError("no Jupyter kernel for language %r in this image" % language, 127)


def run_notebook(env, workdir, rel, out_path, log, status):
    src_path = os.path.join(workdir, rel)
    try:
        with open(src_path, encoding="utf-8") as f:
            nb = json.load(f)
        if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
            raise ValueError("not an nbformat v4 notebook")
    except (OSError, ValueError) as e:
        raise RunnerError("cannot read notebook %s: %s" % (rel, e))
    language = notebook_language(nb)
    values = read_parameters(env)
    forced = env.get("TEKTON_ENGINE", "").strip()
    kernel = None if forced in ("ipython", "exec") else find_kernel(nb, language)
    engine = choose_engine(language, kernel, forced)
    status["engine"] = engine
    status["kernel"] = kernel if engine in ("papermill", "nbclient") else None
    log.line("engine %s%s, notebook %s" % (engine, " (kernel %s)" % kernel if status["kernel"] else "", rel))
    if values:
        log.line("parameters: %s" % ", ".join(sorted(values)))
    if engine == "papermill":
        code, _ = papermill_engine(nb, src_path, out_path, values, kernel, workdir, log)
        with open(out_path, encoding="utf-8") as f:
            result = json.load(f)
    else:
        prepare(nb, values, language)
        if engine == "nbclient":
            code, result = nbclient_engine(nb, kernel, workdir, log)
        else:
            os.environ.setdefault("MPLBACKEND", "Agg")
            sys.path.insert(0, workdir)
            runner = ipython_engine if engine == "ipython" else exec_engine
            code = runner(nb, workdir, log)
            result = nb
    result.setdefault("metadata", {})["tekton"] = {"engine": engine, "kernel": status["kernel"], "exit_code": code}
    write_atomic(out_path, json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return code


def run_process(argv, workdir, env, log):
    """Runs a script, tee-ing its combined output to the log; returns its exit code."""
    proc = subprocess.Popen(argv, cwd=workdir, env=dict(env, PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for chunk in iter(lambda: proc.stdout.readline(), b""):
        log.write(chunk.decode("utf-8", "replace"))
    code = proc.wait()
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention


def run_script(kind, env, workdir, rel, log, status):
    if not os.path.isfile(os.path.join(workdir, rel)):
        raise RunnerError("script %s not found in %s" % (rel, workdir))
    if kind == "python":
        status["engine"] = "python"
        argv = [sys.executable, rel]
    else:
        rscript = shutil.which("Rscript")
        if not rscript:
            raise RunnerError("Rscript is not installed in this image; .r nodes need R", 127)
        status["engine"] = "Rscript"
        argv = [rscript, rel]
    log.line("running %s" % " ".join(argv))
    return run_process(argv, workdir, env, log)


def node_kind(env, rel):
    kind = env.get("TEKTON_NODE_KIND", "").strip().lower()
    if kind in ("notebook", "python", "r"):
        return kind
    ext = os.path.splitext(rel)[1].lower()
    return {".ipynb": "notebook", ".py": "python", ".r": "r"}.get(ext, "notebook")


def main(environ=None):
    env = os.environ if environ is None else environ
    workdir = os.path.abspath(env.get("TEKTON_WORKDIR") or os.getcwd())
    artifacts = os.path.abspath(env.get("TEKTON_ARTIFACTS_DIR") or os.path.join(workdir, ".tekton-artifacts"))
    rel = env.get("TEKTON_NODE_FILE", "")
    kind = node_kind(env, rel)
    os.makedirs(artifacts, exist_ok=True)
    log = Log(os.path.join(artifacts, "run.log"))
    status = {"engine": None, "exit_code": None, "started": now(), "finished": None,
              "kind": kind, "file": rel, "kernel": None}
    out_path = os.path.join(artifacts, rel) if rel else None
    code = 2
    try:
        if not rel or os.path.isabs(rel) or ".." in rel.replace("\\", "/").split("/"):
            raise RunnerError("TEKTON_NODE_FILE must be a relative path inside the working dir, got %r" % rel)
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        os.chdir(workdir)
        if kind == "notebook":
            code = run_notebook(env, workdir, rel, out_path, log, status)
        else:
            code = run_script(kind, env, workdir, rel, log, status)
    except RunnerError as e:
        code = e.code
        log.line("error: %s" % e)
        if kind == "notebook" and out_path and not os.path.exists(out_path):
            write_atomic(out_path, json.dumps(failure_notebook(str(e)), indent=1) + "\n")
    except Exception as e:  # a bug in the runner: still leave a notebook and a status
        code = 2
        log.write("".join(traceback.format_exception(type(e), e, e.__traceback__)))
        if kind == "notebook" and out_path and not os.path.exists(out_path):
            write_atomic(out_path, json.dumps(failure_notebook("runner failed: %s" % e), indent=1) + "\n")
    status["exit_code"] = code
    status["finished"] = now()
    log.line("finished with exit code %d" % code)
    log.close()
    write_atomic(os.path.join(artifacts, "status.json"), json.dumps(status, indent=1) + "\n")
    return code


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0)
    sys.exit(main())
