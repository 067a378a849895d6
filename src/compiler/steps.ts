/**
 * The pod side of the contract in `steps/README.md`: paths, environment variable names,
 * and the three steps (fetch → run → save) of every pipeline task. User values reach
 * the scripts only as env values; script text is only ever the step files' text.
 *
 * Size: a PipelineRun with 1000 embedded tasks must stay under 1 MiB, so in embedded
 * mode nothing that is the same for every task is repeated per task. The step scripts
 * and the constant env travel once, in the PipelineRun's pod template env, and each
 * step's `script:` is a one-line launcher (`eval "$TEKTON_STEP_FETCH"`); what a script can
 * work out itself (the node kind from the file's extension) is not spelled out either.
 * Separate Task objects are self-contained instead: scripts verbatim, env per task.
 * Either way a script runs exactly as Tekton runs a `script:` without a shebang:
 * by /bin/sh after `set -e`.
 */
import { kindForFile } from './model';
import { STEP_FILES } from './steps/embedded.generated';
import type { IRNode, IRParameter } from './types';

export const WORKDIR = '/workspace/node';
export const RUNNER_PATH = '/workspace/.tekton/runner.py';
export const ARTIFACTS_DIR = '/workspace/.tekton/artifacts';
/** Object key (under the run prefix) of the runner uploaded once per run. */
export const RUNNER_KEY = '_tekton/runner.py';
/** Key prefix (under the run prefix) of a node's file bundle. */
export const SOURCES_PREFIX = '_sources/';

export type StepName = 'fetch' | 'run' | 'save';
export const STEP_ORDER: StepName[] = ['fetch', 'run', 'save'];
/** Tekton names a step's container `step-<name>`; the exit-code variable uses that. */
export const RUN_EXIT_CODE_PATH = '$(steps.step-run.exitCode.path)';

export const STEP_FILE_NAMES: Record<StepName | 'runner', string> = {
  fetch: 'fetch.sh',
  run: 'run.sh',
  save: 'save.sh',
  runner: 'runner.py'
};

/** Pod-template env var carrying a step's script in embedded mode. */
export const STEP_SCRIPT_ENV: Record<StepName, string> = {
  fetch: 'TEKTON_STEP_FETCH',
  run: 'TEKTON_STEP_RUN',
  save: 'TEKTON_STEP_SAVE'
};

/** Tekton's preamble for a `script:` without a shebang (pkg/pod/script.go). */
const TEKTON_SCRIPT_PREAMBLE = 'set -e\n';

/**
 * Names of the storage keys in the storage Secret. They reach only fetch and save
 * (`envFrom`), where no node value is set, so a node's own AWS_* vars (run step only)
 * neither see nor change them.
 */
export const STORAGE_CREDENTIAL_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** Env names the steps own; a node may not set them (they would override or be overridden). */
export const RESERVED_ENV = new Set([
  'TEKTON_RUN_ID',
  'TEKTON_S3_ENDPOINT',
  'TEKTON_S3_BUCKET',
  'TEKTON_S3_REGION',
  'TEKTON_RUN_PREFIX',
  'TEKTON_TASK',
  'TEKTON_INPUTS_FROM',
  'TEKTON_WORKDIR',
  'TEKTON_RUNNER',
  'TEKTON_ARTIFACTS_DIR',
  'TEKTON_NODE_KIND',
  'TEKTON_NODE_FILE',
  'TEKTON_PARAMETERS_SPEC',
  'TEKTON_OUTPUTS',
  'TEKTON_RUN_EXIT_CODE_FILE',
  ...Object.values(STEP_SCRIPT_ENV)
]);

/** Returns a step file's text; a missing file is a build problem, not user input. */
export function stepFile(name: string): string {
  const text = STEP_FILES[name];
  if (text === undefined) {
    throw new Error(`step file ${name} is not embedded: run "npm run embed-steps" (src/compiler/steps/${name} missing?)`);
  }
  return text;
}

/**
 * The script of a step as it must run. The step files are POSIX sh without a shebang, so
 * Tekton would run them as `#!/bin/sh\nset -e\n<file>`; the launcher reproduces that.
 */
export function stepScript(step: StepName): string {
  const text = stepFile(STEP_FILE_NAMES[step]);
  if (text.trimStart().startsWith('#!') && !text.trimStart().startsWith('#!/bin/sh\n')) {
    throw new Error(`step file ${STEP_FILE_NAMES[step]} must be POSIX sh (no shebang or #!/bin/sh)`);
  }
  return text;
}

export type EnvVar =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };

/**
 * An env value that must arrive as written. Kubernetes expands `$(VAR)` in env values
 * and turns `$$` into `$` when it creates the container, so every `$` is doubled: the
 * kubelet then yields exactly `value` (scripts, file names, user values alike).
 */
export function literalEnvValue(value: string): string {
  return value.includes('$') ? value.replace(/\$/g, '$$$$') : value;
}

/** A `{name, value}` env entry whose value arrives literally (see literalEnvValue). */
export function literal(name: string, value: string): EnvVar {
  return { name, value: literalEnvValue(value) };
}

export interface IStepContext {
  /** Value of TEKTON_RUN_PREFIX (a Tekton expression: the run id is the PipelineRun name). */
  runPrefix: string;
  transferImage: string;
  /** Endpoint, bucket, region (values) of the object storage. */
  storageEnv: EnvVar[];
  /** Kubernetes Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  storageSecretName: string;
  /** Embedded mode: constants and scripts come from the PipelineRun's pod template env. */
  sharedViaPodTemplate: boolean;
}

/**
 * What every task of one compile has in common, built once (see stepShared): the step
 * scripts, the `envFrom` list and, embedded, the step template. Tasks share these
 * objects (frozen, so no one can change one task through another); at 5000 tasks the
 * per-task copies were tens of thousands of objects for the young-generation GC to copy.
 */
export interface IStepShared {
  scripts: Record<StepName, string>;
  envFrom: readonly unknown[];
  /** fetch and save as they are in a task whose step has no env of its own (most tasks). */
  plainTransferSteps: Readonly<Record<'fetch' | 'save', Readonly<Record<string, unknown>>>>;
  /** Embedded mode's `{ image }`; null in separate mode (the env differs per task). */
  stepTemplate: Readonly<Record<string, unknown>> | null;
}

export function stepShared(ctx: IStepContext): IStepShared {
  const scripts = { fetch: Private.script('fetch', ctx), run: Private.script('run', ctx), save: Private.script('save', ctx) };
  const envFrom = Object.freeze([Object.freeze({ secretRef: Object.freeze({ name: ctx.storageSecretName }) })]);
  const plain = (step: 'fetch' | 'save') => Object.freeze({ name: step, envFrom, script: scripts[step] });
  return {
    scripts,
    envFrom,
    plainTransferSteps: Object.freeze({ fetch: plain('fetch'), save: plain('save') }),
    stepTemplate: ctx.sharedViaPodTemplate ? Object.freeze({ image: ctx.transferImage }) : null
  };
}

/** Env every step of every task needs that is the same for all tasks. */
export function constantEnv(ctx: IStepContext): EnvVar[] {
  return [
    ...ctx.storageEnv,
    literal('TEKTON_WORKDIR', WORKDIR),
    literal('TEKTON_RUNNER', RUNNER_PATH),
    literal('TEKTON_ARTIFACTS_DIR', ARTIFACTS_DIR)
  ];
}

/**
 * Embedded mode: the PipelineRun's pod template env, given to every step of every task.
 * The task name and run id come from the labels Tekton puts on each TaskRun pod
 * (`tekton.dev/pipelineTask`, `tekton.dev/pipelineRun`) through the downward API, and the
 * run prefix from those by Kubernetes' `$(VAR)` expansion, so no task repeats them.
 */
export function podTemplateEnv(ctx: IStepContext, pipelineName: string): Record<string, unknown>[] {
  const label = (key: string) => ({ fieldRef: { fieldPath: `metadata.labels['${key}']` } });
  return [
    ...constantEnv(ctx),
    { name: 'TEKTON_TASK', valueFrom: label('tekton.dev/pipelineTask') },
    { name: 'TEKTON_RUN_ID', valueFrom: label('tekton.dev/pipelineRun') },
    // Expanded by Kubernetes on purpose: the pipeline name is a DNS label (no `$`).
    { name: 'TEKTON_RUN_PREFIX', value: `${pipelineName}/$(TEKTON_RUN_ID)` },
    ...STEP_ORDER.map(step => literal(STEP_SCRIPT_ENV[step], TEKTON_SCRIPT_PREAMBLE + stepScript(step)))
  ];
}

/** TEKTON_PARAMETERS_SPEC: names and types only; values arrive in their own env vars. */
export function parametersSpec(node: IRNode, parameters: IRParameter[]): string {
  const byName = new Map(parameters.map(p => [p.name, p]));
  return JSON.stringify(node.parameters.map(name => ({ name, type: byName.get(name)?.type ?? 'String' })));
}

/** `stepTemplate` of a node's task: the transfer image and the env all three steps share. */
export function buildStepTemplate(node: IRNode, ctx: IStepContext, shared?: IStepShared): Record<string, unknown> {
  if (ctx.sharedViaPodTemplate) {
    return shared?.stepTemplate ?? { image: ctx.transferImage };
  }
  const env: EnvVar[] = [
    literal('TEKTON_TASK', node.taskName),
    // A Tekton expression ($(params.…)), substituted to `<pipeline>/<run name>`.
    { name: 'TEKTON_RUN_PREFIX', value: ctx.runPrefix },
    ...constantEnv(ctx)
  ];
  return { image: ctx.transferImage, env };
}

/** The three steps of a node's task, in order. */
export function buildSteps(
  node: IRNode,
  parameters: IRParameter[],
  ctx: IStepContext,
  shared: IStepShared = stepShared(ctx)
): Readonly<Record<string, unknown>>[] {
  // Lists start as literals holding their first entry, not [] + push: a push reserves 17
  // slots, which the task objects keep through the YAML phase.
  const fetchEnv: EnvVar[] = node.inputParents.length ? [literal('TEKTON_INPUTS_FROM', node.inputParents.join(' '))] : [];

  const runEnv: EnvVar[] = [literal('TEKTON_NODE_FILE', Private.fileInWorkdir(node))];
  if (kindForFile(node.file) !== node.kind) {
    runEnv.push(literal('TEKTON_NODE_KIND', node.kind)); // else run.sh derives it from the extension
  }
  if (node.parameters.length) {
    runEnv.push(literal('TEKTON_PARAMETERS_SPEC', parametersSpec(node, parameters)));
    // Tekton substitutes the value; the PipelineRun's param values are escaped for Kubernetes.
    for (const name of node.parameters) {
      runEnv.push({ name, value: `$(params.${name})` });
    }
  }
  // Most nodes have neither: the IR's one shared (frozen) empty list is not iterated.
  if (node.env.length) {
    for (const e of node.env) {
      runEnv.push(literal(e.name, e.value));
    }
  }
  if (node.secrets.length) {
    for (const s of node.secrets) {
      runEnv.push({ name: s.env_var, valueFrom: { secretKeyRef: { name: s.name, key: s.key } } });
    }
  }

  const saveEnv: EnvVar[] = node.outputs.length ? [literal('TEKTON_OUTPUTS', node.outputs.join('\n'))] : [];
  if (!ctx.sharedViaPodTemplate) {
    // Tekton substitutes the path (/tekton/steps/step-run/exitCode: no `$`). Embedded, the
    // launcher sets it (Private.script): one env entry less in each of 1000 tasks.
    saveEnv.push({ name: 'TEKTON_RUN_EXIT_CODE_FILE', value: RUN_EXIT_CODE_PATH });
  }

  const run: Record<string, unknown> = { name: 'run', image: node.runtimeImage, onError: 'continue' };
  const resources = Private.computeResources(node);
  if (resources) {
    run.computeResources = resources;
  }
  if (node.volumes.length || node.sharedMemory) {
    run.volumeMounts = Private.volumeMounts(node);
  }
  run.env = runEnv;
  run.script = shared.scripts.run;

  return [Private.transferStep('fetch', fetchEnv, shared), run, Private.transferStep('save', saveEnv, shared)];
}

/** Pod volumes of a node's task: its PVCs and, when asked for, a memory-backed /dev/shm. */
export function buildVolumes(node: IRNode): Record<string, unknown>[] {
  if (!node.volumes.length && !node.sharedMemory) {
    return [];
  }
  const volumes: Record<string, unknown>[] = node.volumes.map((v, i) => {
    const claim: Record<string, unknown> = { claimName: v.pvc_name };
    if (v.read_only) {
      claim.readOnly = true;
    }
    return { name: Private.volumeName(i), persistentVolumeClaim: claim };
  });
  if (node.sharedMemory) {
    volumes.push({ name: Private.SHM_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: node.sharedMemory } });
  }
  return volumes;
}

namespace Private {
  export const SHM_VOLUME = 'dshm';

  export function volumeName(index: number): string {
    return `pvc-${index}`;
  }

  /**
   * fetch and save: the storage credentials come from the Secret as a whole (`envFrom`),
   * only into these two steps, never into the run step that executes user code. (Two
   * `secretKeyRef` entries per step would cost ~450 bytes per task; see the size note.)
   */
  export function transferStep(step: 'fetch' | 'save', env: EnvVar[], shared: IStepShared): Readonly<Record<string, unknown>> {
    if (!env.length) {
      return shared.plainTransferSteps[step];
    }
    return { name: step, envFrom: shared.envFrom, env, script: shared.scripts[step] };
  }

  export function script(step: StepName, ctx: IStepContext): string {
    if (!ctx.sharedViaPodTemplate) {
      return stepScript(step);
    }
    // No shebang: Tekton runs it with /bin/sh after `set -e`, and the env's text has
    // `set -e` too. `eval` runs the script in that shell, as Tekton would run the file.
    const launch = `eval "$${STEP_SCRIPT_ENV[step]}"`;
    // Tekton substitutes the path here as in an env value; an assignment before the
    // special built-in `eval` holds in the shell that runs the script.
    return step === 'save' ? `TEKTON_RUN_EXIT_CODE_FILE=${RUN_EXIT_CODE_PATH} ${launch}` : launch;
  }

  /** The node file relative to the working dir, which holds the file's directory. */
  export function fileInWorkdir(node: IRNode): string {
    return node.baseDir ? node.file.slice(node.baseDir.length + 1) : node.file;
  }

  export function volumeMounts(node: IRNode): Record<string, unknown>[] {
    const mounts: Record<string, unknown>[] = node.volumes.map((v, i) => {
      const mount: Record<string, unknown> = { name: volumeName(i), mountPath: v.path };
      if (v.sub_path) {
        mount.subPath = v.sub_path;
      }
      if (v.read_only) {
        mount.readOnly = true;
      }
      return mount;
    });
    if (node.sharedMemory) {
      mounts.push({ name: SHM_VOLUME, mountPath: '/dev/shm' });
    }
    return mounts;
  }

  export function computeResources(node: IRNode): Record<string, unknown> | null {
    const r = node.resources;
    if (!r.cpuRequest && !r.memoryRequest && !r.cpuLimit && !r.memoryLimit && !r.gpu) {
      return null;
    }
    const requests: Record<string, string> = {};
    const limits: Record<string, string> = {};
    if (r.cpuRequest) {
      requests.cpu = r.cpuRequest;
    }
    if (r.memoryRequest) {
      requests.memory = r.memoryRequest;
    }
    if (r.cpuLimit) {
      limits.cpu = r.cpuLimit;
    }
    if (r.memoryLimit) {
      limits.memory = r.memoryLimit;
    }
    if (r.gpu) {
      // Extended resources are set as limits; Kubernetes makes the request equal.
      limits[r.gpuResourceName ?? 'nvidia.com/gpu'] = String(r.gpu);
    }
    const result: Record<string, unknown> = {};
    if (Object.keys(requests).length) {
      result.requests = requests;
    }
    if (Object.keys(limits).length) {
      result.limits = limits;
    }
    return Object.keys(result).length ? result : null;
  }
}
