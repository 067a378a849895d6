/**
 * Running the Python side (`python -m jupyterlab_tekton …`) with a JSON bundle on stdin.
 * Interpreter: $TEKTON_PIPELINE_PYTHON, else `python3`.
 */
import { spawn } from 'child_process';
import { constants } from 'os';

export function pythonExecutable(): string {
  return process.env.TEKTON_PIPELINE_PYTHON || 'python3';
}

export interface IPythonResult {
  /** Exit code, or null when the interpreter could not be started (see `error`). */
  code: number | null;
  stdout: string;
  error?: string;
}

/**
 * Runs `python -m jupyterlab_tekton ARGS`, writing `input` to its stdin. With
 * `capture`, stdout is collected and returned; otherwise both streams go to ours.
 * With `interactive`, the child gets our stdin instead (e.g. for an editor it starts).
 */
export function runPython(args: string[], input: string | null, capture = false, interactive = false): Promise<IPythonResult> {
  const python = pythonExecutable();
  return new Promise(resolve => {
    let stdout = '';
    let settled = false;
    const finish = (result: IPythonResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const child = spawn(python, ['-m', 'jupyterlab_tekton', ...args], {
      stdio: [interactive ? 'inherit' : 'pipe', capture ? 'pipe' : 'inherit', 'inherit']
    });
    child.on('error', error => finish({ code: null, stdout, error: `cannot start ${python}: ${error.message}` }));
    if (capture) {
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', chunk => (stdout += chunk));
    }
    child.on('close', (code, signal) => finish({ code: code ?? 128 + (signal ? constants.signals[signal] ?? 0 : 0), stdout }));
    if (!interactive) {
      // A child that exits without reading stdin must not crash us with EPIPE.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input ?? '');
    }
  });
}
