"""Runs one pipeline node (notebook, Python or R script) and records what happened.

Standard library only (Python 3.8+): it runs in whatever image the node names, and
uses the best notebook engine that image offers -- a Jupyter kernel driven directly
with jupyter_client (the fast default), else papermill, else nbclient, else IPython's
in-process shell, else plain ``exec`` of the code cells. Parameters are injected the
same way (papermill's) whatever the engine. It never modifies the source file and
always leaves, in the artifacts directory, the executed notebook (valid nbformat v4,
error output in the failing cell), ``run.log`` and ``status.json``. Exit code: 0 ok,
1 the node failed, 2 the runner could not start it (bad configuration), 127 the
interpreter the node needs is missing.

Configured by environment variables only (see README.md beside this file):
TEKTON_WORKDIR, TEKTON_ARTIFACTS_DIR, TEKTON_NODE_FILE, TEKTON_NODE_KIND,
TEKTON_PARAMETERS_SPEC and one variable per parameter, optional TEKTON_ENGINE, and
for local runs optional TEKTON_PREWARM=1: start the kernel, say TEKTON_RUNNER_READY on
stdout, then wait for a line on stdin before reading the inputs and executing (end of
input: stop, write nothing), and optional TEKTON_DONE_FD=N: once the executed notebook,
run.log and status.json are written and the node's own code is over, write
"TEKTON_RUNNER_DONE <exit code>" to file descriptor N, then stop the kernel.
Run it as ``python3 runner.py`` in a subprocess, or call ``main(environ)``.
"""
import ast
import base64
import builtins
import datetime
import importlib.util
import io
import json
import linecache
import os
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import traceback
import uuid

ENGINES = ("jupyter_client", "papermill", "nbclient", "ipython", "exec")
KERNEL_ENGINES = ("jupyter_client", "papermill", "nbclient")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The real stdout, even while an in-process engine captures sys.stdout for a cell.
REAL_STDOUT = sys.stdout
# Seconds to wait for a kernel to start, and for it to exit after a shutdown request.
KERNEL_START_TIMEOUT = 120
KERNEL_STOP_TIMEOUT = 5
# Set when user code ran in this interpreter (ipython/exec engines): its files and
# atexit handlers need a normal interpreter exit.
STATE = {"user_code_in_process": False, "terminating": False}


class RunnerError(Exception):
    """A problem with the configuration, not with the user's code (exit code 2)."""

    def __init__(self, message, code=2):
        super().__init__(message)
        self.code = code


class Log:
    """run.log, mirrored to the step's stdout so Tekton shows it live.

    Until `open()` (a prewarmed runner has no artifacts dir before its start signal)
    the text is kept in memory.
    """

    def __init__(self, path=None):
        self.file = None
        self.pending = []
        if path:
            self.open(path)

    def open(self, path):
        self.file = open(path, "w", encoding="utf-8", errors="replace")
        self.file.write("".join(self.pending))
        self.file.flush()
        self.pending = []

    def write(self, text):
        if not text:
            return
        text = ANSI.sub("", text)
        if self.file is None:
            self.pending.append(text)
            return
        self.file.write(text)
        self.file.flush()
        try:
            REAL_STDOUT.write(text)
            REAL_STDOUT.flush()
        except (OSError, ValueError):
            pass

    def flush(self):
        if self.file is not None:
            self.file.flush()

    def line(self, text):
        self.write("[runner] " + text + "\n")

    def close(self):
        if self.file is not None:
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


def escaped_string(text, language):
    """papermill's `translate_escaped_str` (R keeps non-ASCII: its \\x escapes are bytes)."""
    if language == "r":
        def keep(match):
            code = match.group(1)
            return match.group(0) if code == "\\" or int(code[1:], 16) < 0x80 else chr(int(code[1:], 16))

        out = re.sub(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})", keep,
                     text.encode("unicode_escape").decode("ascii"))
    else:
        out = text.encode("unicode_escape").decode("utf-8")
    return '"%s"' % out.replace('"', r'\"')


def literal(value, language):
    """Source text for a value, as papermill's Python and R translators write it."""
    if isinstance(value, str):
        return escaped_string(value, language)
    if language == "r":
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and (value != value or abs(value) == float("inf")):
            return "NaN" if value != value else ("Inf" if value > 0 else "-Inf")  # papermill writes invalid R here
        return str(value)
    if isinstance(value, float) and value != value:
        return "float('nan')"
    if isinstance(value, float) and abs(value) == float("inf"):
        return "float('inf')" if value > 0 else "float('-inf')"
    return str(value)


def parameters_source(values, language):
    lines = ["# Parameters"]
    for name, value in values.items():
        if language == "r":
            name = name.lstrip("_")  # papermill: R names cannot start with "_"
        lines.append("%s = %s" % (name, literal(value, language)))
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


def cell_tags(cell):
    tags = cell["metadata"].get("tags", [])
    return tags if isinstance(tags, list) else []


def read_notebook(workdir, rel):
    src_path = os.path.join(workdir, rel)
    try:
        with open(src_path, encoding="utf-8") as f:
            nb = json.load(f)
        if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
            raise ValueError("not an nbformat v4 notebook")
        if not all(isinstance(c, dict) for c in nb["cells"]):
            raise ValueError("not an nbformat v4 notebook: a cell is not an object")
    except (OSError, ValueError) as e:
        raise RunnerError("cannot read notebook %s: %s" % (rel, e))
    return nb


def prepare(nb, values, language):
    """Clears old outputs and injects the parameters the way papermill does.

    One implementation for every engine (papermill's own injection is not used): a code
    cell tagged `injected-parameters` replaces an existing one, else goes right after the
    cell tagged `parameters`, else on top.
    """
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
    cells = nb["cells"]
    injected = next((i for i, c in enumerate(cells) if "injected-parameters" in cell_tags(c)), None)
    tagged = next((i for i, c in enumerate(cells) if "parameters" in cell_tags(c)), None)
    cell = make_cell(nb, "code", parameters_source(values, language), ["injected-parameters"])
    if injected is not None:
        cells[injected] = cell
    else:
        cells.insert(0 if tagged is None else tagged + 1, cell)


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
    STATE["user_code_in_process"] = True
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


# ---- kernels: specs and processes, without jupyter_client's import cost ------------

def kernel_specs():
    """{name: (resource dir, kernel.json)} in jupyter_client's order: the first
    directory of jupyter_path('kernels') wins, plus ipykernel's own python3."""
    try:
        from jupyter_core.paths import jupyter_path  # a few ms; jupyter_client needs it anyway
    except ImportError:
        return {}
    specs = {}
    for folder in jupyter_path("kernels"):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name, "kernel.json")
            if name.lower() in specs or not os.path.isfile(path):
                continue
            try:
                with open(path, encoding="utf-8") as f:
                    spec = json.load(f)
            except (OSError, ValueError):
                continue
            if isinstance(spec, dict) and isinstance(spec.get("argv"), list) and spec["argv"]:
                specs[name.lower()] = (os.path.dirname(path), spec)
    if "python3" not in specs and importlib.util.find_spec("ipykernel") is not None:
        specs["python3"] = (None, {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                                   "display_name": "Python 3 (ipykernel)", "language": "python"})
    return specs


def find_kernel(nb, language, specs=None):
    """A kernel spec name for the notebook: its own, else any kernel of its language."""
    specs = kernel_specs() if specs is None else specs
    wanted = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if isinstance(wanted, str) and wanted.lower() in specs:
        return wanted.lower()
    names = sorted(specs)
    if language == "python" and "python3" in names:
        names.remove("python3")
        names.insert(0, "python3")
    for name in names:
        if str(specs[name][1].get("language", "")).lower() == language:
            return name
    return None


def free_ports(count):
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class DeadKernel(Exception):
    pass


def message_time(msg):
    """A message's header date as nbclient records it."""
    date = msg.get("header", {}).get("date")
    if isinstance(date, datetime.datetime):
        return date.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return date if isinstance(date, str) else now()


class Kernel:
    """A kernel process started from its spec as jupyter_client's LocalProvisioner does
    (connection file, argv templates, spec env, own session, JPY_PARENT_PID), and a
    jupyter_client BlockingKernelClient on its sockets (imported only once needed)."""

    def __init__(self, name, specs, workdir, env):
        resource_dir, spec = specs[name]
        self.name = name
        self.language = str(spec.get("language", "")).lower()
        self.started = time.monotonic()
        self.client = None
        self.prewarmed = False  # started before the start signal (files may have arrived since)
        self.stopping = False
        self.language_info = None
        self.implementation = None
        self.tmp = tempfile.mkdtemp(prefix="tekton-kernel-")  # not $HOME: it may be read-only
        try:
            self.proc = self.launch(spec, resource_dir, workdir, env)
        except BaseException as e:  # also SIGTERM's SystemExit: no connection file left behind
            shutil.rmtree(self.tmp, ignore_errors=True)
            if isinstance(e, OSError):
                raise RunnerError("cannot start the %s kernel (%s): %s" % (name, spec["argv"][0], e),
                                  127 if isinstance(e, FileNotFoundError) else 2)
            raise

    def launch(self, spec, resource_dir, workdir, env):
        if done_fd(env) is not None and os.name == "posix" and any("ipykernel" in str(a) for a in spec["argv"]):
            # Local runs, ipykernel: Unix sockets in the private temp dir -- no port picked
            # here and bound there later (parallel nodes cannot race for one), and no
            # "running over TCP without encryption" warning in every node's stderr.log.
            transport, ip, ports = "ipc", os.path.join(self.tmp, "k"), [1, 2, 3, 4, 5]
        else:
            transport, ip, ports = "tcp", "127.0.0.1", free_ports(5)
        self.info = {"transport": transport, "ip": ip, "key": uuid.uuid4().hex,
                     "signature_scheme": "hmac-sha256", "kernel_name": self.name,
                     "shell_port": ports[0], "iopub_port": ports[1], "stdin_port": ports[2],
                     "control_port": ports[3], "hb_port": ports[4]}
        connection_file = os.path.join(self.tmp, "kernel.json")
        with open(os.open(connection_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            json.dump(self.info, f)
        argv = list(spec["argv"])
        if self.name in ("python", "python2", "python3"):
            # What nbclient (so papermill) does for ipykernel: no history database, so no
            # sqlite writes at start and exit, no lock shared by parallel kernels.
            argv.append("--HistoryManager.hist_file=:memory:")
        if argv[0] in ("python", "python%d" % sys.version_info[0], "python%d.%d" % sys.version_info[:2]):
            argv[0] = sys.executable
        names = {"connection_file": connection_file, "prefix": sys.prefix, "resource_dir": resource_dir or ""}
        argv = [os.path.expanduser(re.sub(r"\{([A-Za-z0-9_]+)\}", lambda m: names.get(m.group(1), m.group()), a))
                for a in argv]
        kernel_env = dict(env)
        for key, value in (spec.get("env") or {}).items():
            kernel_env[key] = string.Template(str(value)).safe_substitute(env)
        kernel_env["JPY_PARENT_PID"] = str(os.getpid())  # ipykernel exits when the runner is gone
        kernel_env.pop(DONE_FD, None)  # the runner's own channel (not inherited anyway)
        return subprocess.Popen(argv, cwd=workdir, env=kernel_env, stdin=subprocess.DEVNULL, start_new_session=True)

    def alive(self):
        return self.proc.poll() is None

    def connect(self, timeout=KERNEL_START_TIMEOUT):
        """Waits until the kernel answers kernel_info and its IOPub channel is live."""
        if self.client is not None:
            return
        import zmq
        from jupyter_client.blocking.client import BlockingKernelClient

        client = BlockingKernelClient()
        # The kernel binds its ports while we connect: retry every 10 ms, not zmq's 100 ms.
        client.context.setsockopt(zmq.RECONNECT_IVL, 10)
        client.load_connection_info(self.info)
        client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
        self.client = client
        self.poller = zmq.Poller()
        self.poller.register(client.shell_channel.socket, zmq.POLLIN)
        self.poller.register(client.iopub_channel.socket, zmq.POLLIN)
        deadline = time.monotonic() + timeout
        msg_id, asked, reply, replied_at, idle = client.kernel_info(), time.monotonic(), None, None, False
        while True:
            for channel, msg in self.receive(0.02):
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if channel == "shell":
                    reply, replied_at = msg, time.monotonic()
                elif msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                    idle = True
            if reply and idle:
                self.language_info = reply["content"].get("language_info")
                self.implementation = reply["content"].get("implementation")
                return
            waited = time.monotonic()
            # A reply whose IOPub messages went missing (subscription not live yet), or
            # no reply for a while: ask again.
            if (reply and waited - replied_at > 0.05) or (not reply and waited - asked > 1.0):
                msg_id, asked, reply, idle = client.kernel_info(), waited, None, False
            if not self.alive():
                raise RunnerError("the %s kernel exited while starting (exit code %s)" % (self.name, self.proc.returncode))
            if waited > deadline:
                raise RunnerError("the %s kernel did not answer within %d s" % (self.name, timeout))

    def receive(self, timeout):
        """(channel name, message) pairs ready within `timeout` seconds."""
        ready = dict(self.poller.poll(int(timeout * 1000)))
        found = []
        for name, channel in (("iopub", self.client.iopub_channel), ("shell", self.client.shell_channel)):
            if channel.socket in ready:
                while channel.msg_ready():
                    found.append((name, channel.get_msg(timeout=0)))
        return found

    def execute(self, code, on_iopub, silent=False, user_expressions=None, timeout=None):
        """Runs code; on_iopub(msg) gets this request's IOPub messages. Returns the reply
        (None if `timeout` seconds passed without one)."""
        msg_id = self.client.execute(code, silent=silent, store_history=not silent, allow_stdin=False,
                                     stop_on_error=True, user_expressions=user_expressions or {})
        reply, idle, replied_at = None, False, None
        deadline = None if timeout is None else time.monotonic() + timeout
        while reply is None or not idle:
            if deadline is not None and time.monotonic() > deadline:
                return reply
            messages = self.receive(1.0)
            for channel, msg in messages:
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if channel == "shell":
                    reply, replied_at = msg, time.monotonic()
                else:
                    if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                        idle = True
                    on_iopub(msg)
            if reply is not None and not idle and time.monotonic() - replied_at > 4:
                break  # nbclient's iopub_timeout: the outputs got lost, the reply did not
            if not messages and not self.alive():
                raise DeadKernel("Kernel died (exit code %s)" % self.proc.returncode)
        return reply

    def expressions(self, code, expressions, timeout=None):
        """Runs code silently; the values (Python literals) of `expressions` after it, None
        for one that failed; None altogether if the kernel did not answer in time."""
        reply = self.execute(code, lambda msg: None, silent=True, user_expressions=expressions, timeout=timeout)
        if reply is None or reply["content"].get("status") != "ok":
            return None
        values = {}
        for name, result in (reply["content"].get("user_expressions") or {}).items():
            try:
                values[name] = ast.literal_eval(result["data"]["text/plain"])
            except (KeyError, TypeError, ValueError, SyntaxError):
                values[name] = None
        return values

    def request_shutdown(self):
        if self.client is not None and self.alive() and not self.stopping:
            self.stopping = True
            try:
                # On the shell channel: ipykernel 7 handling it on the control thread
                # sometimes deadlocks with its own exit (a stdout flush waits for the
                # stopped IOPub thread) until the caller's timeout kills it.
                self.client.shell_channel.send(self.client.session.msg("shutdown_request", {"restart": False}))
            except Exception:
                pass

    def stop(self, timeout=KERNEL_STOP_TIMEOUT):
        """Shuts the kernel down (a clean exit flushes the notebook's open files), else kills it."""
        if STATE["terminating"]:
            timeout = 0  # the run was cancelled: no clean exit to wait for
        try:
            self.request_shutdown()
            try:
                self.proc.wait(timeout if self.client is not None else 0)
            except subprocess.TimeoutExpired:
                pass
            if self.proc.poll() is None:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    self.proc.kill()
                self.proc.wait()
            if self.client is not None:
                for channel in (self.client.shell_channel, self.client.iopub_channel):
                    channel.close()
                self.client = None
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


# ---- local runs: finishing before the kernel is gone ----------------------------------

DONE_FD = "TEKTON_DONE_FD"
DONE_LINE = "TEKTON_RUNNER_DONE"
# Before the notebook: the kernel's own objects are frozen, out of the collector's way, so
# that settling after it costs milliseconds, not a scan of the whole IPython heap.
FREEZE_CODE = "__import__('gc').freeze()"
# What an IPython kernel's exit does for the user's objects: its atexit handler calls
# reset(new_session=False), then the collector and the interpreter's teardown close what
# is left (files held by modules are flushed here): files the notebook left open are
# complete before the kernel itself takes its time (hundreds of ms) to exit.
SETTLE_CODE = """\
get_ipython().reset(new_session=False)
def _tekton_settle():
    import gc, io
    gc.collect()
    for o in gc.get_objects():
        try:
            if isinstance(o, io.IOBase) and isinstance(getattr(o, "name", None), str) and not o.closed:
                o.flush()
        except Exception:
            pass
_tekton_settle()
del _tekton_settle
"""
EXIT_HANDLERS = "__import__('atexit')._ncallbacks()"
USER_THREADS = ("[t.name for t in __import__('threading').enumerate() if not t.daemon and t.is_alive() "
                "and t is not __import__('threading').main_thread()]")


def done_fd(env):
    """The descriptor of TEKTON_DONE_FD (local runs), else None."""
    text = env.get(DONE_FD, "").strip()
    return int(text) if text.isdigit() else None


def signal_done(env, code):
    """Tells the local scheduler the node's result is final (its process may still stop a kernel)."""
    fd = done_fd(env)
    if fd is None:
        return
    try:
        os.write(fd, ("%s %d\n" % (DONE_LINE, code)).encode("ascii"))
        os.close(fd)
    except OSError:
        pass


def settles(kernel):
    """Can the user's part of this kernel's exit be done without stopping it (IPython kernels)?"""
    return (kernel.client is not None and kernel.alive() and kernel.language == "python"
            and kernel.implementation == "ipython")


def settle(kernel, exit_handlers, declares_outputs):
    """Does what the kernel's exit would do for the user's objects; True if nothing of the
    node's own work is left for the exit: no thread of its own still running, and (when it
    declares outputs) no atexit handler added since the notebook started, which could
    still write one."""
    try:
        values = kernel.expressions(SETTLE_CODE, {"threads": USER_THREADS, "atexit": EXIT_HANDLERS},
                                    timeout=KERNEL_STOP_TIMEOUT)
    except Exception:  # noqa: BLE001 - a dead kernel: the usual stop will say so
        return False
    if not values or values.get("threads") != [] or not isinstance(values.get("atexit"), int):
        return False
    return not declares_outputs or (exit_handlers is not None and values["atexit"] <= exit_handlers)


# ---- kernel-based engines ----------------------------------------------------------

STREAM_BACKSPACE = re.compile(r"[^\n]\x08")
STREAM_CARRIAGE_RETURN = re.compile(r".*\r(?=[^\n])")


def settle_stream(text):
    """What a terminal (and JupyterLab) shows: \\b and \\r overwrite (nbclient's coalescing)."""
    previous = None
    while previous != text:
        previous, text = text, STREAM_BACKSPACE.sub("", text)
    return STREAM_CARRIAGE_RETURN.sub("", text)


class CellRecorder:
    """Turns one cell's IOPub messages into nbformat outputs, like nbclient: streams of
    the same name merged, clear_output (also deferred), display ids updated everywhere,
    execution count and timing metadata; the log gets a live copy."""

    def __init__(self, cell, log, displays):
        self.cell, self.log, self.displays = cell, log, displays
        self.outputs = cell["outputs"] = []
        self.timing = cell["metadata"]["execution"] = {}
        self.clear_pending = False

    def __call__(self, msg):
        kind, content = msg["msg_type"], msg["content"]
        if "execution_count" in content:
            self.cell["execution_count"] = content["execution_count"]
        if kind == "status":
            state = content.get("execution_state")
            if state in ("busy", "idle"):
                self.timing["iopub.status." + state] = message_time(msg)
        elif kind == "execute_input":
            self.timing["iopub.execute_input"] = message_time(msg)
        elif kind == "clear_output":
            if content.get("wait"):
                self.clear_pending = True
            else:
                self.outputs[:] = []
        elif kind in ("stream", "display_data", "execute_result", "error", "update_display_data"):
            self.output(kind, content)

    def output(self, kind, content):
        display_id = (content.get("transient") or {}).get("display_id")
        if display_id and kind != "stream" and kind != "error":
            for out in self.displays.get(display_id, []):
                out["data"], out["metadata"] = content.get("data", {}), content.get("metadata", {})
        if kind == "update_display_data":
            return
        if self.clear_pending:
            self.outputs[:] = []
            self.clear_pending = False
        if kind == "stream":
            text = content.get("text", "")
            last = self.outputs[-1] if self.outputs else None
            if last and last["output_type"] == "stream" and last["name"] == content.get("name"):
                last["text"] += text
            else:
                self.outputs.append({"output_type": "stream", "name": content.get("name", "stdout"), "text": text})
            self.log.write(text)
            return
        if kind == "error":
            out = error_output(content.get("ename", ""), content.get("evalue", ""), list(content.get("traceback", [])))
            self.log.write("\n".join(out["traceback"]) + "\n")
        else:
            out = {"output_type": kind, "data": content.get("data", {}), "metadata": content.get("metadata", {})}
            if kind == "execute_result":
                out = {"output_type": kind, "execution_count": content.get("execution_count"),
                       "data": out["data"], "metadata": out["metadata"]}
            if isinstance(out["data"].get("text/plain"), str):
                self.log.write(out["data"]["text/plain"] + "\n")
        if display_id:
            self.displays.setdefault(display_id, []).append(out)
        self.outputs.append(out)

    def finish(self, reply):
        for out in self.outputs:
            if out["output_type"] == "stream":
                out["text"] = settle_stream(out["text"])
        content = (reply or {}).get("content", {})
        if reply is not None:
            self.timing["shell.execute_reply"] = message_time(reply)
        if self.cell.get("execution_count") is None and content.get("execution_count"):
            self.cell["execution_count"] = content["execution_count"]
        if content.get("status") == "ok":
            return None
        err = next((o for o in self.outputs if o["output_type"] == "error"), None)
        if err is None:  # an aborted request, or an error the kernel did not publish
            ename = content.get("ename") or ("Aborted" if content.get("status") == "aborted" else "Error")
            err = error_output(ename, content.get("evalue", ""), list(content.get("traceback") or [ename]))
            self.outputs.append(err)
            self.log.write("\n".join(err["traceback"]) + "\n")
        return err


def kernel_engine(nb, kernel, log):
    """Executes the code cells on a Jupyter kernel, stops at the first error; returns the exit code."""
    kernel.connect()
    if kernel.language_info:
        nb["metadata"]["language_info"] = kernel.language_info
    displays, count = {}, 0
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        count += 1
        if not source_text(cell).strip():  # nbclient and papermill skip empty cells
            continue
        recorder = CellRecorder(cell, log, displays)
        try:
            reply = kernel.execute(source_text(cell), recorder)
        except DeadKernel as e:
            recorder.outputs.append(error_output("DeadKernelError", str(e), ["DeadKernelError: %s" % e]))
            log.write("DeadKernelError: %s\n" % e)
            mark_failure(nb, count, "DeadKernelError", str(e))
            return 1
        err = recorder.finish(reply)
        if err is not None:
            mark_failure(nb, count, err["ename"], err["evalue"])
            return 1
    return 0


def import_nbformat_quickly():
    """jsonschema's optional IRI checks import rfc3987_syntax, which builds a grammar at
    import (about 1 s). nbformat's schema has no IRI fields, and user code runs in the
    kernel, not here: skip it in this process."""
    sys.modules.setdefault("rfc3987_syntax", None)


def papermill_engine(nb, src_path, out_path, values, kernel, workdir, log):
    import logging

    import_nbformat_quickly()
    import nbformat
    import papermill

    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(message)s"))
    pm_log = logging.getLogger("papermill")
    pm_log.addHandler(handler)
    pm_log.setLevel(logging.INFO)
    try:
        # Already parameterised by prepare(): papermill gets no parameters of its own.
        papermill.execute_notebook(nbformat.from_dict(nb), out_path, kernel_name=kernel, cwd=workdir,
                                   progress_bar=False, log_output=True)
        code = 0
    except papermill.PapermillExecutionError as e:
        log.write(str(e) + "\n")  # papermill logs cell outputs but not the error itself
        code = 1
    finally:
        pm_log.removeHandler(handler)
    with open(out_path, encoding="utf-8") as f:
        result = json.load(f)
    meta = result.setdefault("metadata", {}).setdefault("papermill", {})
    meta["input_path"], meta["parameters"] = src_path, values  # not the in-memory notebook
    return code, result


def nbclient_engine(nb, kernel, workdir, log):
    import_nbformat_quickly()
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


# ---- choosing the engine -----------------------------------------------------------

def available(module):
    try:
        __import__(module)
        return True
    except Exception:
        return False


def usable(engine, language, kernel):
    if engine == "jupyter_client":
        return bool(kernel) and available("jupyter_client")
    if engine in ("papermill", "nbclient"):
        if not kernel:
            return False
        import_nbformat_quickly()
        return available(engine) and available("nbformat")
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
        raise RunnerError("R notebooks need the IRkernel Jupyter kernel ('ir') and jupyter_client "
                          "(or papermill, or nbclient) in the image; none found. Use an image with "
                          "IRkernel, or a .r script (run with Rscript).", 127)
    raise RunnerError("no Jupyter kernel for language %r in this image" % language, 127)


class Plan:
    """What a notebook run needs decided before executing: engine, kernel, and for the
    jupyter_client engine the kernel process itself (started as early as possible)."""

    def __init__(self, nb, language, values, engine, kernel_name, kernel=None):
        self.nb, self.language, self.values = nb, language, values
        self.engine, self.kernel_name, self.kernel = engine, kernel_name, kernel


def plan_notebook(env, workdir, rel, warm=None):
    """Reads the notebook, chooses the engine and starts (or adopts the prewarmed) kernel."""
    nb = read_notebook(workdir, rel)
    language = notebook_language(nb)
    values = read_parameters(env)
    forced = env.get("TEKTON_ENGINE", "").strip()
    specs = {} if forced in ("ipython", "exec") else kernel_specs()
    kernel_name = find_kernel(nb, language, specs) if specs else None
    kernel = None
    if warm is not None and warm.kernel is not None:
        if warm.kernel_name == kernel_name and warm.kernel.alive():
            kernel, warm.kernel = warm.kernel, None
            kernel.prewarmed = True
        else:
            warm.stop()
    try:
        # Start the kernel before importing jupyter_client: both take time, the kernel more.
        if (kernel is None and kernel_name and forced in ("", "jupyter_client")
                and importlib.util.find_spec("jupyter_client") is not None):
            kernel = Kernel(kernel_name, specs, workdir, env)
        engine = choose_engine(language, kernel_name, forced)
    except BaseException:
        if kernel is not None:
            kernel.stop()
        raise
    if kernel is not None and engine != "jupyter_client":
        kernel.stop()
        kernel = None
    return Plan(nb, language, values, engine, kernel_name, kernel)


def run_notebook(env, workdir, rel, out_path, log, status, warm=None):
    plan = plan_notebook(env, workdir, rel, warm)
    engine, nb, values, kernel = plan.engine, plan.nb, plan.values, plan.kernel
    # Local runs: the kernel may stop after the scheduler was told the node is done.
    stop_later = False
    try:
        status["engine"] = engine
        status["kernel"] = plan.kernel_name if engine in KERNEL_ENGINES else None
        log.line("engine %s%s, notebook %s" % (engine, " (kernel %s)" % status["kernel"] if status["kernel"] else "", rel))
        if values:
            log.line("parameters: %s" % ", ".join(sorted(values)))
        prepare(nb, values, plan.language)
        if engine == "jupyter_client":
            early = warm is not None and done_fd(env) is not None
            kernel.connect()
            exit_handlers = None
            if kernel.language == "python" and (kernel.prewarmed or (early and settles(kernel))):
                # Files arrived after the kernel started: forget cached directory listings.
                before = kernel.expressions("__import__('importlib').invalidate_caches()"
                                            + ("\n" + FREEZE_CODE if early else ""),
                                            {"atexit": EXIT_HANDLERS} if early else {})
                exit_handlers = (before or {}).get("atexit")
            code = kernel_engine(nb, kernel, log)
            stop_later = early and settles(kernel) and settle(
                kernel, exit_handlers, bool(env.get("TEKTON_OUTPUTS", "").strip()))
            if not stop_later:
                kernel.request_shutdown()  # it exits while the notebook is written
            result = nb
        elif engine == "papermill":
            code, result = papermill_engine(nb, os.path.join(workdir, rel), out_path, values, plan.kernel_name, workdir, log)
        elif engine == "nbclient":
            code, result = nbclient_engine(nb, plan.kernel_name, workdir, log)
        else:
            os.environ.setdefault("MPLBACKEND", "Agg")
            sys.path.insert(0, workdir)
            runner = ipython_engine if engine == "ipython" else exec_engine
            code = runner(nb, workdir, log)
            result = nb
        result.setdefault("metadata", {})["tekton"] = {"engine": engine, "kernel": status["kernel"], "exit_code": code}
        write_atomic(out_path, json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    finally:
        if kernel is not None and stop_later:
            warm.kernel, warm.kernel_name = kernel, plan.kernel_name  # main() stops it after the signal
        elif kernel is not None:
            kernel.stop()
    return code


# ---- scripts -----------------------------------------------------------------------

def run_process(argv, workdir, env, log):
    """Runs a script, tee-ing its combined output to the log; returns its exit code."""
    env = {k: v for k, v in env.items() if k != DONE_FD}
    proc = subprocess.Popen(argv, cwd=workdir, env=dict(env, PYTHONUNBUFFERED="1"), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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


def valid_node_file(rel):
    return bool(rel) and not os.path.isabs(rel) and ".." not in rel.replace("\\", "/").split("/")


# ---- prewarm (local runs): start the kernel, then wait for the go -------------------

class Warm:
    """What a prewarmed runner prepared before its start signal: a kernel that answers."""

    def __init__(self):
        self.kernel = None
        self.kernel_name = None

    def stop(self):
        if self.kernel is not None:
            self.kernel.stop()
            self.kernel = None


def prewarm(warm, env, workdir, rel, kind, log):
    """Best effort: anything that fails here is done again, and reported, after the signal."""
    if kind != "notebook" or not valid_node_file(rel):
        return
    t0 = time.monotonic()
    try:
        plan = plan_notebook(env, workdir, rel)  # also imports the engine's modules
        if plan.kernel is not None:
            warm.kernel, warm.kernel_name = plan.kernel, plan.kernel_name
            plan.kernel.connect()
            log.line("prewarmed the %s kernel in %.2f s" % (plan.kernel_name, time.monotonic() - t0))
    except Exception as e:  # noqa: BLE001 - retried after the signal
        warm.stop()
        log.line("prewarm failed (%s); starting again" % e)


READY_LINE = "TEKTON_RUNNER_READY"


def wait_for_start():
    """Says READY_LINE on stdout (the kernel is up), then waits for a line on stdin.

    True once it arrives; False at end of input (the node will not run).
    """
    try:
        REAL_STDOUT.write(READY_LINE + "\n")
        REAL_STDOUT.flush()
    except (OSError, ValueError):
        pass
    try:
        return bool(sys.stdin.readline())
    except (OSError, ValueError):
        return False


# ---- main ----------------------------------------------------------------------------

def main(environ=None):
    env = os.environ if environ is None else environ
    workdir = os.path.abspath(env.get("TEKTON_WORKDIR") or os.getcwd())
    artifacts = os.path.abspath(env.get("TEKTON_ARTIFACTS_DIR") or os.path.join(workdir, ".tekton-artifacts"))
    rel = env.get("TEKTON_NODE_FILE", "")
    kind = node_kind(env, rel)
    log = Log()
    warm = Warm()
    try:
        if env.get("TEKTON_PREWARM", "").strip() not in ("", "0"):
            prewarm(warm, env, workdir, rel, kind, log)
            if not wait_for_start():
                return 0
        return run_node(env, workdir, artifacts, rel, kind, log, warm)
    finally:
        warm.stop()  # the prewarmed kernel unless run_notebook adopted it; or the settled one


def run_node(env, workdir, artifacts, rel, kind, log, warm):
    """Runs the node and writes run.log, status.json and (notebooks) the executed notebook."""
    os.makedirs(artifacts, exist_ok=True)
    log.open(os.path.join(artifacts, "run.log"))
    status = {"engine": None, "exit_code": None, "started": now(), "finished": None,
              "kind": kind, "file": rel, "kernel": None}
    out_path = os.path.join(artifacts, rel) if rel else None
    code = 2
    try:
        if not valid_node_file(rel):
            raise RunnerError("TEKTON_NODE_FILE must be a relative path inside the working dir, got %r" % rel)
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        os.chdir(workdir)
        if kind == "notebook":
            code = run_notebook(env, workdir, rel, out_path, log, status, warm)
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
    if not STATE["user_code_in_process"]:  # that code's files close only when this process exits
        signal_done(env, code)
    return code


def exit_now(code):
    """Skips interpreter teardown (hundreds of ms with zmq and the engines loaded) when
    no user code ran in this process; an in-process notebook gets a normal exit."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    if STATE["user_code_in_process"]:
        sys.exit(code)
    os._exit(code)


def terminate(signum, frame):
    """SIGTERM (cancel, timeout, pod stop): unwind, so the kernel and its connection
    file are removed on the way out."""
    STATE["terminating"] = True
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0)
    signal.signal(signal.SIGTERM, terminate)
    exit_now(main())
