/**
 * `tekton-pipeline compile FILE [-o OUT]` (alias `export`): Tekton YAML on stdout or in
 * OUT (a directory gets `<FILE's stem>.yaml`), problems on stderr. Nothing is written
 * when the pipeline is invalid.
 */
import * as path from 'path';
import { flagValue, hasFlag, parseArgs, singleFile } from './args';
import { runBundle } from './bundle';
import { EXIT, ICommand } from './command';
import { isDirectory, writeFileAtomic } from './files';
import { COMPILE_FLAGS, COMPILE_FLAGS_HELP, compileOptions } from './options';
import { hasErrors, loadPipeline } from './pipeline';
import { diagnosticJson, printDiagnostics, printJson } from './report';

const FLAGS = { ...COMPILE_FLAGS, output: { value: true, aliases: ['-o'] }, bundle: { value: true } };

export function compileCommand(name: 'compile' | 'export'): ICommand {
  return {
    name,
    summary: name === 'compile' ? 'compile a pipeline to Tekton YAML' : 'same as compile',
    help: `Usage: tekton-pipeline ${name} FILE [-o OUT] [options]

Compiles FILE to Tekton v1 YAML: one PipelineRun with embedded specs, or with
--separate a Task per node, a Pipeline and a PipelineRun. Problems go to stderr, one
per line; exit 1 (and no output) when the pipeline is invalid.

  -o, --output OUT       write the YAML to OUT (a directory: OUT/<FILE's name>.yaml)
  --bundle PATH          also write the JSON that \`run\` hands to Python (IR + uploads)

${COMPILE_FLAGS_HELP}`,
    async run(argv, io) {
      const args = parseArgs(argv, FLAGS);
      if (hasFlag(args, 'help')) {
        io.out(this.help + '\n');
        return EXIT.ok;
      }
      const file = singleFile(args, name);
      const loaded = await loadPipeline(file, compileOptions(args), {
        root: flagValue(args, 'root'),
        checkFiles: !hasFlag(args, 'skip-file-check')
      });
      const valid = !hasErrors(loaded.diagnostics) && loaded.result !== null && loaded.result.yaml !== '';
      let output = flagValue(args, 'output');
      if (valid && output !== undefined) {
        if (await isDirectory(output)) {
          output = path.join(output, `${path.basename(file).replace(/\.[^.]*$/, '')}.yaml`);
        }
        await writeFileAtomic(output, loaded.result!.yaml);
      }
      const bundle = flagValue(args, 'bundle');
      if (valid && bundle !== undefined) {
        await writeFileAtomic(bundle, JSON.stringify(runBundle(loaded), null, 2) + '\n');
      }
      if (hasFlag(args, 'json')) {
        printJson(io, {
          file,
          valid,
          diagnostics: loaded.diagnostics.map(d => diagnosticJson(file, d)),
          output: valid ? output ?? null : null,
          ...(valid && output === undefined ? { yaml: loaded.result!.yaml } : {})
        });
      } else {
        printDiagnostics(io, file, loaded.diagnostics);
        if (valid && output === undefined) {
          io.out(loaded.result!.yaml);
        }
      }
      return valid ? EXIT.ok : EXIT.invalid;
    }
  };
}
