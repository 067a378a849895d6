/**
 * `tekton-pipeline run FILE`: compile, then execute locally through the Python runner
 * (`python -m jupyterlab_tekton run-local --root ROOT [ARGS after --]`, bundle on stdin).
 * The exit code is the runner's; 1 without running when the pipeline is invalid.
 */
import { flagValue, hasFlag, parseArgs, singleFile } from './args';
import { runBundle } from './bundle';
import { EXIT, ICommand } from './command';
import { COMPILE_FLAGS, COMPILE_FLAGS_HELP, compileOptions } from './options';
import { hasErrors, loadPipeline } from './pipeline';
import { runPython } from './python';
import { diagnosticJson, printDiagnostics, printJson } from './report';

export const runCommand: ICommand = {
  name: 'run',
  summary: 'run a pipeline locally (needs the jupyterlab_tekton Python package)',
  help: `Usage: tekton-pipeline run FILE [--param NAME=VALUE]... [options] [-- RUNNER ARGS]

Compiles FILE and runs it on this machine with
  $TEKTON_PIPELINE_PYTHON (default python3) -m jupyterlab_tekton run-local --root ROOT
which receives the compiled pipeline as JSON on stdin (see src/cli/README.md).
Arguments after -- go to run-local unchanged. Exit code: the runner's (0 = the run
succeeded); 1 when the pipeline is invalid; 3 when Python cannot be started.

${COMPILE_FLAGS_HELP}`,
  async run(argv, io) {
    const args = parseArgs(argv, COMPILE_FLAGS);
    if (hasFlag(args, 'help')) {
      io.out(this.help + '\n');
      return EXIT.ok;
    }
    const file = singleFile(args, 'run');
    const loaded = await loadPipeline(file, { ...compileOptions(args), forLocalRun: true }, {
      root: flagValue(args, 'root'),
      checkFiles: !hasFlag(args, 'skip-file-check')
    });
    const diagnostics = loaded.diagnostics;
    if (hasErrors(diagnostics) || !loaded.result?.ir) {
      if (hasFlag(args, 'json')) {
        printJson(io, { file, valid: false, diagnostics: diagnostics.map(d => diagnosticJson(file, d)) });
      } else {
        printDiagnostics(io, file, diagnostics);
      }
      return EXIT.invalid;
    }
    printDiagnostics(io, file, diagnostics);
    const result = await runPython(['run-local', '--root', loaded.root, ...args.rest], JSON.stringify(runBundle(loaded)));
    if (result.code === null) {
      io.err(`tekton-pipeline run: ${result.error}; set TEKTON_PIPELINE_PYTHON to a Python with jupyterlab_tekton installed\n`);
      return EXIT.environment;
    }
    return result.code;
  }
};
