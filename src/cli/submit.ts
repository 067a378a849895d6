/**
 * `tekton-pipeline submit FILE --config NAME`: compile with the runtime configuration's
 * settings (read with `python -m jupyterlab_tekton config get NAME`), then hand the
 * objects and uploads to `python -m jupyterlab_tekton submit --config NAME --root ROOT`
 * on stdin. Flags given here override the configuration's values.
 */
import { flagValue, hasFlag, parseArgs, singleFile, UsageError } from './args';
import { submitBundle } from './bundle';
import { EXIT, ICommand } from './command';
import { COMPILE_FLAGS, COMPILE_FLAGS_HELP, compileOptions } from './options';
import { hasErrors, loadPipeline } from './pipeline';
import { runPython } from './python';
import { diagnosticJson, printDiagnostics, printJson } from './report';
import type { ICompileOptions } from '../compiler';

const FLAGS = { ...COMPILE_FLAGS, config: { value: true } };

/** DescribeRuntimeConfig fields (jupyterlab_tekton/models.py) that shape the YAML. */
export function optionsFromConfig(config: Record<string, unknown>): ICompileOptions {
  const text = (key: string) => (typeof config[key] === 'string' && config[key] !== '' ? (config[key] as string) : undefined);
  const options: ICompileOptions = {
    namespace: text('namespace'),
    serviceAccountName: text('service_account'),
    storageEndpoint: text('storage_endpoint'),
    bucket: text('bucket'),
    storageRegion: text('region'),
    storageSecretName: text('storage_secret_name'),
    defaultRuntimeImage: text('default_runtime_image'),
    transferImage: text('transfer_image')
  };
  for (const key of Object.keys(options) as (keyof ICompileOptions)[]) {
    if (options[key] === undefined) {
      delete options[key];
    }
  }
  return options;
}

export const submitCommand: ICommand = {
  name: 'submit',
  summary: 'submit a pipeline to Tekton with a runtime configuration',
  help: `Usage: tekton-pipeline submit FILE --config NAME [options] [-- SUBMIT ARGS]

Compiles FILE with the settings of runtime configuration NAME (namespace, object
storage, images) and submits it with
  $TEKTON_PIPELINE_PYTHON (default python3) -m jupyterlab_tekton submit --config NAME --root ROOT
which uploads the node files and creates the PipelineRun (see src/cli/README.md).
Exit code: the submitter's; 1 when the pipeline is invalid; 3 when Python cannot run.

  --config NAME          runtime configuration to use (required)

${COMPILE_FLAGS_HELP}`,
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    if (hasFlag(args, 'help')) {
      io.out(this.help + '\n');
      return EXIT.ok;
    }
    const file = singleFile(args, 'submit');
    const config = flagValue(args, 'config');
    if (!config) {
      throw new UsageError('submit needs --config NAME (a runtime configuration)');
    }
    const described = await runPython(['config', 'get', config], null, true);
    if (described.code === null) {
      io.err(`tekton-pipeline submit: ${described.error}; set TEKTON_PIPELINE_PYTHON to a Python with jupyterlab_tekton installed\n`);
      return EXIT.environment;
    }
    if (described.code !== 0) {
      return described.code;
    }
    let configValues: Record<string, unknown>;
    try {
      configValues = JSON.parse(described.stdout);
    } catch {
      io.err(`tekton-pipeline submit: "config get ${config}" did not print JSON\n`);
      return EXIT.environment;
    }
    const options = { ...optionsFromConfig(configValues), ...compileOptions(args), separateWhenTooLarge: true };
    const loaded = await loadPipeline(file, options, {
      root: flagValue(args, 'root'),
      checkFiles: !hasFlag(args, 'skip-file-check')
    });
    if (hasErrors(loaded.diagnostics) || !loaded.result?.ir) {
      if (hasFlag(args, 'json')) {
        printJson(io, { file, valid: false, diagnostics: loaded.diagnostics.map(d => diagnosticJson(file, d)) });
      } else {
        printDiagnostics(io, file, loaded.diagnostics);
      }
      return EXIT.invalid;
    }
    printDiagnostics(io, file, loaded.diagnostics);
    const result = await runPython(
      ['submit', '--config', config, '--root', loaded.root, ...args.rest],
      JSON.stringify(submitBundle(loaded))
    );
    if (result.code === null) {
      io.err(`tekton-pipeline submit: ${result.error}\n`);
      return EXIT.environment;
    }
    return result.code;
  }
};
