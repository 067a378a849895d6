/** `tekton-pipeline validate FILE`: everything compile would reject, without output. */
import { flagValue, hasFlag, parseArgs, singleFile } from './args';
import { EXIT, ICommand } from './command';
import { COMPILE_FLAGS, COMPILE_FLAGS_HELP, compileOptions } from './options';
import { hasErrors, loadPipeline } from './pipeline';
import { diagnosticJson, printDiagnostics, printJson } from './report';

export const validateCommand: ICommand = {
  name: 'validate',
  summary: 'check a pipeline (exit 1 if it cannot be compiled)',
  help: `Usage: tekton-pipeline validate FILE [options]

Checks FILE the way compile does (structure, properties, files on disk, what Tekton
would reject) and prints one line per problem. Exit 0 when it compiles, 1 when not.

${COMPILE_FLAGS_HELP}`,
  async run(argv, io) {
    const args = parseArgs(argv, COMPILE_FLAGS);
    if (hasFlag(args, 'help')) {
      io.out(this.help + '\n');
      return EXIT.ok;
    }
    const file = singleFile(args, 'validate');
    const loaded = await loadPipeline(file, compileOptions(args), {
      root: flagValue(args, 'root'),
      checkFiles: !hasFlag(args, 'skip-file-check')
    });
    // Storage settings only matter for the YAML; validating does not need them.
    const diagnostics = loaded.diagnostics.filter(d => d.code !== 'storage-defaults');
    const valid = !hasErrors(diagnostics);
    if (hasFlag(args, 'json')) {
      printJson(io, { file, valid, diagnostics: diagnostics.map(d => diagnosticJson(file, d)) });
    } else {
      printDiagnostics(io, file, diagnostics);
      if (valid) {
        io.out(`${file}: valid (${loaded.result?.ir?.nodes.length ?? 0} nodes)\n`);
      }
    }
    return valid ? EXIT.ok : EXIT.invalid;
  }
};
