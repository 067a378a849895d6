import { compile, ICompileOptions, ICompileResult, IRNode } from '../../src/compiler';
import { RESERVED_ENV } from '../../src/compiler/steps';
import { STEP_FILES } from '../../src/compiler/steps/embedded.generated';
import { IPipelineFlowDocument, parsePipeline, reservedNodeEnvName, reservedParameterName } from '../../src/model';
import { readFileSync } from 'fs';
import { edgeCaseDocuments, makeDocument } from './generate';
import { findPipelineFixtures, kubeExpand, loadFixture, plain, PRODUCER_CONSUMER, readYaml11, STORAGE } from './helpers';

type Obj = Record<string, any>;

function ok(document: IPipelineFlowDocument, options: ICompileOptions = {}): ICompileResult {
  const result = compile(document, { pipelinePath: 'project/pipelines/my.pipeline', ...STORAGE, ...options });
  const errors = result.diagnostics.filter(d => d.severity === 'error');
  expect(errors).toEqual([]);
  return result;
}

function errorsOf(document: IPipelineFlowDocument, options: ICompileOptions = {}) {
  const result = compile(document, { pipelinePath: 'project/my.pipeline', ...STORAGE, ...options });
  expect(result.yaml).toBe('');
  expect(result.pipelineRun).toBeNull();
  expect(result.ir).toBeNull();
  expect(result.documents).toEqual([]);
  return result.diagnostics.filter(d => d.severity === 'error');
}

const tasksOf = (run: Obj): Obj[] => run.spec.pipelineSpec.tasks;
const task = (run: Obj, name: string): Obj => tasksOf(run).find(t => t.name === name)!;
const step = (t: Obj, name: string): Obj => t.taskSpec.steps.find((s: Obj) => s.name === name);
const env = (s: Obj): Record<string, unknown> =>
  Object.fromEntries((s.env ?? []).map((e: Obj) => [e.name, 'value' in e ? e.value : e.valueFrom]));
const podEnv = (run: Obj): Record<string, unknown> =>
  Object.fromEntries(run.spec.taskRunTemplate.podTemplate.env.map((e: Obj) => [e.name, 'value' in e ? e.value : e.valueFrom]));

describe('compile: one PipelineRun with embedded specs (default)', () => {
  const result = ok(loadFixture(PRODUCER_CONSUMER), { pipelinePath: 'elyra/cypress/fixtures/pipelines/producer-consumer.pipeline' });
  const run = result.pipelineRun as Obj;

  it('is a tekton.dev/v1 PipelineRun named by generateName and labelled as ours', () => {
    expect(result.documents).toEqual([run]);
    expect(run.apiVersion).toBe('tekton.dev/v1');
    expect(run.kind).toBe('PipelineRun');
    expect(run.metadata).toEqual({
      generateName: 'producer-consumer-',
      labels: { 'app.kubernetes.io/managed-by': 'jupyterlab-tekton', 'jupyterlab-tekton/pipeline': 'producer-consumer' }
    });
    expect(run.spec.timeouts).toEqual({ pipeline: '1h0m0s' });
  });

  it('has one pipeline task per node in dependency order, runAfter from the links', () => {
    expect(tasksOf(run).map(t => [t.name, t.runAfter ?? []])).toEqual([
      ['setup-py', []],
      ['create-source-files-py', ['setup-py']],
      ['producer-ipynb', ['create-source-files-py']],
      ['producer-script-py', ['create-source-files-py']],
      ['consumer-ipynb', ['producer-ipynb', 'producer-script-py']]
    ]);
    expect(task(run, 'consumer-ipynb').displayName).toBe('consumer.ipynb');
  });

  it('names the direct parents that pass outputs on; the IR lists every ancestor with outputs', () => {
    // The parents' outputs-from.txt lists bring create-source-files-py's outputs along.
    expect(env(step(task(run, 'consumer-ipynb'), 'fetch'))).toEqual({
      TEKTON_INPUTS_FROM: 'producer-ipynb producer-script-py'
    });
    expect(result.ir!.nodes.find(n => n.taskName === 'consumer-ipynb')!.inputsFrom).toEqual([
      'create-source-files-py',
      'producer-ipynb',
      'producer-script-py'
    ]);
    expect(env(step(task(run, 'create-source-files-py'), 'fetch'))).toEqual({});
    // The exit code file is set by save's launcher (see the pod template test).
    expect(env(step(task(run, 'producer-ipynb'), 'save'))).toEqual({ TEKTON_OUTPUTS: 'output-1.csv\noutput-2.csv' });
  });

  it('runs fetch and save in the transfer image with the storage Secret, run in the node image', () => {
    const t = task(run, 'producer-ipynb');
    expect(t.taskSpec.stepTemplate).toEqual({ image: 'minio/mc:latest' });
    expect(t.taskSpec.steps.map((s: Obj) => s.name)).toEqual(['fetch', 'run', 'save']);
    const [fetch, runStep, save] = t.taskSpec.steps;
    expect(fetch.image).toBeUndefined();
    expect(fetch.envFrom).toEqual([{ secretRef: { name: 'pipeline-storage' } }]);
    expect(save.envFrom).toEqual([{ secretRef: { name: 'pipeline-storage' } }]);
    expect(runStep.envFrom).toBeUndefined();
    expect(runStep.image).toBe('elyra/elyra-example-anaconda-py3:latest');
    expect(runStep.onError).toBe('continue');
    // run.sh derives TEKTON_NODE_KIND from the extension when the compiler leaves it out.
    expect(env(runStep)).toEqual({ TEKTON_NODE_FILE: 'producer.ipynb' });
  });

  it('carries the step scripts and the shared env once, in the pod template', () => {
    const shared = podEnv(run);
    expect(shared).toMatchObject({
      TEKTON_S3_ENDPOINT: STORAGE.storageEndpoint,
      TEKTON_S3_BUCKET: STORAGE.bucket,
      TEKTON_S3_REGION: STORAGE.storageRegion,
      TEKTON_WORKDIR: '/workspace/node',
      TEKTON_RUNNER: '/workspace/.tekton/runner.py',
      TEKTON_ARTIFACTS_DIR: '/workspace/.tekton/artifacts',
      TEKTON_TASK: { fieldRef: { fieldPath: "metadata.labels['tekton.dev/pipelineTask']" } },
      TEKTON_RUN_ID: { fieldRef: { fieldPath: "metadata.labels['tekton.dev/pipelineRun']" } },
      TEKTON_RUN_PREFIX: 'producer-consumer/$(TEKTON_RUN_ID)'
    });
    for (const [name, file] of [
      ['TEKTON_STEP_FETCH', 'fetch.sh'],
      ['TEKTON_STEP_RUN', 'run.sh'],
      ['TEKTON_STEP_SAVE', 'save.sh']
    ]) {
      // Kubernetes expands $(VAR) and $$ in env values; the script must survive that intact.
      expect(kubeExpand(shared[name] as string, { KUBERNETES_SERVICE_HOST: '10.0.0.1', HOME: '/root' })).toBe(
        `set -e\n${STEP_FILES[file]}`
      );
    }
    const scripts = tasksOf(run).flatMap(t => t.taskSpec.steps.map((s: Obj) => s.script));
    expect(new Set(scripts)).toEqual(
      new Set([
        'eval "$TEKTON_STEP_FETCH"',
        'eval "$TEKTON_STEP_RUN"',
        'TEKTON_RUN_EXIT_CODE_FILE=$(steps.step-run.exitCode.path) eval "$TEKTON_STEP_SAVE"'
      ])
    );
  });

  it('references credentials only through Secrets, never as values', () => {
    const entries: Obj[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) {
        value.forEach(walk);
      } else if (value && typeof value === 'object') {
        const object = value as Obj;
        if (typeof object.name === 'string' && ('value' in object || 'valueFrom' in object)) {
          entries.push(object);
        }
        Object.values(object).forEach(walk);
      }
    };
    walk(result.documents);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.filter(e => /AWS|SECRET|PASSWORD|TOKEN/i.test(e.name))).toEqual([]);
  });

  it('lists the runner once and each node bundle as uploads', () => {
    expect(result.uploads[0]).toEqual({ kind: 'content', key: '_tekton/runner.py', content: STEP_FILES['runner.py'] });
    expect(result.uploads.slice(1)).toEqual([
      expect.objectContaining({ keyPrefix: '_sources/setup-py/', baseDir: 'elyra/cypress/fixtures/scripts', patterns: ['setup.py', 'setup.txt'] }),
      expect.objectContaining({ keyPrefix: '_sources/create-source-files-py/', patterns: ['create-source-files.py'] }),
      expect.objectContaining({ keyPrefix: '_sources/producer-ipynb/', taskName: 'producer-ipynb', nodeId: 'bd1aabf1-9516-4644-b382-0c25e50054c8' }),
      expect.objectContaining({ keyPrefix: '_sources/producer-script-py/' }),
      expect.objectContaining({ keyPrefix: '_sources/consumer-ipynb/', baseDir: 'elyra/cypress/fixtures/pipelines', patterns: ['consumer.ipynb'], includeSubdirectories: false })
    ]);
  });

  it('exports a self-contained IR (what the local runner executes)', () => {
    const ir = result.ir!;
    expect(plain(ir)).toEqual(ir); // JSON round trip loses nothing
    expect(ir.name).toBe('producer-consumer');
    expect(ir.nodes.map(n => n.taskName)).toEqual(tasksOf(run).map(t => t.name));
    const consumer = ir.nodes.find(n => n.taskName === 'consumer-ipynb') as IRNode;
    expect(consumer).toMatchObject({
      id: '242b42e7-7968-4977-b563-1b5c4822cea0',
      kind: 'notebook',
      file: 'elyra/cypress/fixtures/pipelines/consumer.ipynb',
      runAfter: ['producer-ipynb', 'producer-script-py'],
      inputsFrom: ['create-source-files-py', 'producer-ipynb', 'producer-script-py']
    });
  });

  it('names, places and labels the run as asked', () => {
    const named = ok(loadFixture(PRODUCER_CONSUMER), { runName: 'nightly-1', namespace: 'ml', labels: { team: 'a' }, serviceAccountName: 'runner' })
      .pipelineRun as Obj;
    expect(named.metadata).toEqual({
      name: 'nightly-1',
      namespace: 'ml',
      labels: { team: 'a', 'app.kubernetes.io/managed-by': 'jupyterlab-tekton', 'jupyterlab-tekton/pipeline': 'producer-consumer' }
    });
    expect(named.spec.taskRunTemplate.serviceAccountName).toBe('runner');
  });

  it('uses the transfer image and timeout given', () => {
    const custom = ok(loadFixture(PRODUCER_CONSUMER), { transferImage: 'registry.local/mc:1', pipelineTimeout: '90m' }).pipelineRun as Obj;
    expect(tasksOf(custom)[0].taskSpec.stepTemplate.image).toBe('registry.local/mc:1');
    expect(custom.spec.timeouts.pipeline).toBe('1h30m0s');
  });
});

describe('compile: every property', () => {
  const docs = edgeCaseDocuments();
  const result = ok(docs['every-property'], { pipelinePath: 'p/x.pipeline', gpuResourceName: 'vendor.example/gpu' });
  const run = result.pipelineRun as Obj;
  const train = task(run, 'train');
  const runStep = step(train, 'run');

  it('maps resources to computeResources (memory numbers are GB)', () => {
    expect(runStep.computeResources).toEqual({
      requests: { cpu: '1.5', memory: '4G' },
      limits: { cpu: '2', memory: '6Gi', 'amd.com/gpu': '2' }
    });
  });

  it('passes env vars, secrets and consumed parameters to the run step only', () => {
    expect(env(runStep)).toEqual({
      TEKTON_NODE_FILE: 'train.ipynb',
      TEKTON_PARAMETERS_SPEC: JSON.stringify([
        { name: 'epochs', type: 'Integer' },
        { name: 'rate', type: 'Float' },
        { name: 'verbose', type: 'Bool' },
        { name: 'dataset', type: 'String' }
      ]),
      epochs: '$(params.epochs)',
      rate: '$(params.rate)',
      verbose: '$(params.verbose)',
      dataset: '$(params.dataset)',
      FROM_DEFAULTS: 'yes',
      MODE: 'train',
      DB_PASSWORD: { secretKeyRef: { name: 'db-credentials', key: 'password' } }
    });
    expect(train.params).toEqual(['epochs', 'rate', 'verbose', 'dataset'].map(name => ({ name, value: `$(params.${name})` })));
    expect(train.taskSpec.params).toEqual(['epochs', 'rate', 'verbose', 'dataset'].map(name => ({ name, type: 'string' })));
  });

  it('declares the pipeline parameters with their values', () => {
    expect(run.spec.params).toEqual([
      { name: 'epochs', value: '10' },
      { name: 'rate', value: '0.01' },
      { name: 'verbose', value: 'false' },
      { name: 'dataset', value: 'on' }
    ]);
    expect(run.spec.pipelineSpec.params[0]).toEqual({ name: 'epochs', type: 'string', description: 'training epochs' });
    expect(run.spec.pipelineSpec.description).toBe('All node properties set');
  });

  it('mounts PVCs and a memory-backed /dev/shm', () => {
    expect(train.taskSpec.volumes).toEqual([
      { name: 'pvc-0', persistentVolumeClaim: { claimName: 'training-data', readOnly: true } },
      { name: 'pvc-1', persistentVolumeClaim: { claimName: 'scratch' } },
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '2G' } }
    ]);
    expect(runStep.volumeMounts).toEqual([
      { name: 'pvc-0', mountPath: '/mnt/data', subPath: 'v1', readOnly: true },
      { name: 'pvc-1', mountPath: '/mnt/scratch' },
      { name: 'dshm', mountPath: '/dev/shm' }
    ]);
  });

  it('puts pod labels/annotations on the task and scheduling in taskRunSpecs', () => {
    expect(train.taskSpec.metadata).toEqual({
      labels: { team: 'research' },
      annotations: { 'example.com/owner': 'Ada Lovelace <ada@example.com>' }
    });
    expect(run.spec.taskRunSpecs).toEqual([
      {
        pipelineTaskName: 'train',
        podTemplate: {
          nodeSelector: { 'kubernetes.io/arch': 'amd64' },
          tolerations: [
            { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
            { key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoExecute' }
          ]
        }
      }
    ]);
  });

  it('sets timeout and retries on the pipeline task (retries are fine with a step onError)', () => {
    expect(train.timeout).toBe('45m0s');
    expect(train.retries).toBe(2);
    expect(runStep.onError).toBe('continue');
    expect(task(run, 'report').timeout).toBe('30m0s');
    expect(task(run, 'prepare').timeout).toBeUndefined();
  });

  it('uploads the node file with its dependencies', () => {
    expect(result.uploads.find(u => u.kind === 'files' && u.taskName === 'train')).toEqual({
      kind: 'files',
      keyPrefix: '_sources/train/',
      taskName: 'train',
      nodeId: 'e2',
      baseDir: 'p/notebooks',
      patterns: ['train.ipynb', 'utils.py', 'config/*.yaml'],
      includeSubdirectories: true
    });
    expect(env(step(task(run, 'report'), 'fetch'))).toEqual({ TEKTON_INPUTS_FROM: 'train' });
    expect(env(step(train, 'save')).TEKTON_OUTPUTS).toBe('model/weights.bin\nreports/');
  });

  it('takes the GPU resource name from the node, a bare vendor, or the option', () => {
    const gpu = (properties: Obj) =>
      step(tasksOf(ok(makeDocument([{ id: 'g', properties: { gpu: 1, ...properties } }]), { gpuResourceName: 'vendor.example/gpu' }).pipelineRun as Obj)[0], 'run')
        .computeResources.limits;
    expect(gpu({ gpu_vendor: 'nvidia.com/mig-1g.5gb' })).toEqual({ 'nvidia.com/mig-1g.5gb': '1' });
    expect(gpu({ gpu_vendor: 'amd.com' })).toEqual({ 'amd.com/gpu': '1' });
    expect(gpu({})).toEqual({ 'vendor.example/gpu': '1' });
    const fallback = compile(makeDocument([{ id: 'g', properties: { gpu: 1 } }]), STORAGE).pipelineRun as Obj;
    expect(step(tasksOf(fallback)[0], 'run').computeResources.limits).toEqual({ 'nvidia.com/gpu': '1' });
  });
});

describe('compile: separate objects', () => {
  const result = ok(loadFixture(PRODUCER_CONSUMER), { separateObjects: true, namespace: 'ml' });
  const kinds = result.documents.map(d => d.kind);

  it('emits a Task per node, a Pipeline and a PipelineRun referencing it', () => {
    expect(kinds).toEqual(['Task', 'Task', 'Task', 'Task', 'Task', 'Pipeline', 'PipelineRun']);
    const pipeline = result.documents[5] as Obj;
    const run = result.pipelineRun as Obj;
    expect(run).toBe(result.documents[6]);
    expect(run.spec.pipelineRef).toEqual({ name: 'producer-consumer' });
    expect(run.spec.pipelineSpec).toBeUndefined();
    expect(pipeline.metadata).toMatchObject({ name: 'producer-consumer', namespace: 'ml' });
    expect(pipeline.spec.tasks.map((t: Obj) => t.taskRef.name)).toEqual(
      result.documents.slice(0, 5).map(d => (d as Obj).metadata.name)
    );
    expect(pipeline.spec.tasks[4].params).toEqual([
      { name: 'tekton-run-prefix', value: 'producer-consumer/$(context.pipelineRun.name)' }
    ]);
  });

  it('makes self-contained Tasks with the scripts verbatim', () => {
    const t = result.documents[4] as Obj;
    expect(t.metadata.name).toBe('producer-consumer-consumer-ipynb');
    expect(t.spec.steps.map((s: Obj) => s.script)).toEqual([STEP_FILES['fetch.sh'], STEP_FILES['run.sh'], STEP_FILES['save.sh']]);
    expect(env({ env: t.spec.stepTemplate.env })).toMatchObject({
      TEKTON_TASK: 'consumer-ipynb',
      TEKTON_RUN_PREFIX: '$(params.tekton-run-prefix)',
      TEKTON_S3_BUCKET: STORAGE.bucket
    });
    // The script is the file itself, so Tekton substitutes the exit code path in the env.
    expect(env(t.spec.steps[2])).toEqual({ TEKTON_RUN_EXIT_CODE_FILE: '$(steps.step-run.exitCode.path)' });
    expect((result.pipelineRun as Obj).spec.taskRunTemplate).toBeUndefined();
  });

  it('keeps Task names within 63 characters', () => {
    const long = ok(edgeCaseDocuments()['long-labels'], { separateObjects: true });
    for (const d of long.documents) {
      expect((d as Obj).metadata.name?.length ?? 0).toBeLessThanOrEqual(63);
    }
  });
});

describe('compile: parameters', () => {
  const doc = () =>
    makeDocument([{ id: 'a', properties: { pipeline_parameters: ['n', 'flag'] } }], {
      parameters: [
        { name: 'n', default_value: { type: 'Integer', value: 1 } },
        { name: 'flag', default_value: { type: 'Bool', value: true } },
        { name: 'label', default_value: { type: 'String', value: '' }, required: true }
      ]
    });
  const values = (options: ICompileOptions) => (ok(doc(), options).pipelineRun as Obj).spec.params;

  it('applies values given at compile time, typed', () => {
    expect(values({ parameters: { n: '5', flag: 'FALSE', label: 'x y' } })).toEqual([
      { name: 'n', value: '5' },
      { name: 'flag', value: 'false' },
      { name: 'label', value: 'x y' }
    ]);
  });

  it('escapes values for the env var they end up in', () => {
    const [, , label] = values({ parameters: { label: 'cost $5 $(HOME)' } });
    expect(kubeExpand(label.value, { HOME: '/root' })).toBe('cost $5 $(HOME)');
  });

  it('rejects wrong types, unknown names and missing required values', () => {
    const codes = (options: ICompileOptions) => errorsOf(doc(), options).map(d => d.code);
    expect(codes({ parameters: { n: 'five', label: 'x' } })).toEqual(['invalid-parameter-value']);
    expect(codes({ parameters: { label: 'x', nope: '1' } })).toEqual(['unknown-parameter']);
    expect(codes({})).toEqual(['missing-parameter-value']);
  });
});

describe('compile: what Tekton or the pods would reject is an error naming node and property', () => {
  const node = (properties: Obj, id = 'n1') => makeDocument([{ id, label: 'Train', properties }]);
  const only = (document: IPipelineFlowDocument, options: ICompileOptions = {}) => {
    const errors = errorsOf(document, options);
    expect(errors).toHaveLength(1);
    return errors[0];
  };

  it('a task timeout longer than the pipeline timeout', () => {
    expect(only(node({ timeout: '2h' }))).toMatchObject({ code: 'timeout-exceeds-pipeline', nodeId: 'n1', property: 'timeout' });
    expect(only(node({ timeout: 30 }), { pipelineTimeout: '20m' }).message).toContain('30m0s is longer than the pipeline timeout 20m0s');
    ok(node({ timeout: '2h' }), { pipelineTimeout: '0' });
  });

  it.each([
    [{ env_vars: [{ env_var: 'TEKTON_TASK', value: 'x' }] }, 'reserved-env-var', 'env_vars'],
    [{ kubernetes_secrets: [{ env_var: 'TEKTON_STEP_RUN', name: 's', key: 'k' }] }, 'reserved-env-var', 'kubernetes_secrets'],
    [{ env_vars: [{ env_var: 'X', value: '$(params.secret)' }] }, 'tekton-reference', 'env_vars'],
    [{ env_vars: [{ env_var: 'X', value: 'run $(context.pipelineRun.name)' }] }, 'tekton-reference', 'env_vars'],
    [{ mounted_volumes: [{ path: '/workspace/node', pvc_name: 'data' }] }, 'invalid-volume', 'mounted_volumes'],
    [{ mounted_volumes: [{ path: '/tekton/results', pvc_name: 'data' }] }, 'invalid-volume', 'mounted_volumes'],
    [{ mounted_volumes: [{ path: '/workspace', pvc_name: 'data' }] }, 'invalid-volume', 'mounted_volumes'],
    [{ outputs: ['/etc/passwd'] }, 'invalid-output', 'outputs'],
    [{ outputs: ['../../escape.csv'] }, 'invalid-output', 'outputs'],
    [{ outputs: ['a.csv\nb.csv'] }, 'invalid-output', 'outputs'],
    [{ dependencies: ['../../../../outside.txt'] }, 'invalid-dependency', 'dependencies'],
    [{ dependencies: ['../sibling/data.csv'] }, 'invalid-dependency', 'dependencies'],
    [{ dependencies: ['/etc/hosts'] }, 'invalid-dependency', 'dependencies'],
    [{ kubernetes_pod_labels: [{ key: 'team', value: 'not a label value!' }] }, 'invalid-pod-label', 'kubernetes_pod_labels'],
    [{ node_selector: [{ key: 'zone', value: 'x'.repeat(64) }] }, 'invalid-node-selector', 'node_selector']
  ])('%j → %s', (properties, code, property) => {
    const error = only(node(properties));
    expect(error).toMatchObject({ code, nodeId: 'n1', property, nodeLabel: 'Train' });
    expect(error.message).toMatch(new RegExp(`^Node "Train" \\(n1\\), property "${property}": `));
  });

  it("a node's own AWS_* credentials reach its run step only; fetch and save keep the storage Secret", () => {
    for (const separateObjects of [false, true]) {
      const document = makeDocument([
        {
          id: 'n1',
          label: 'Train',
          properties: {
            env_vars: [{ env_var: 'AWS_ACCESS_KEY_ID', value: 'user-key-id' }],
            kubernetes_secrets: [{ env_var: 'AWS_SECRET_ACCESS_KEY', name: 'my-s3', key: 'secret' }]
          }
        }
      ]);
      const result = ok(document, { separateObjects });
      const taskSpec = separateObjects ? (result.documents[0] as Obj).spec : tasksOf(result.pipelineRun as Obj)[0].taskSpec;
      const [fetch, run, save] = taskSpec.steps as Obj[];
      expect(env(run)).toMatchObject({
        AWS_ACCESS_KEY_ID: 'user-key-id',
        AWS_SECRET_ACCESS_KEY: { secretKeyRef: { name: 'my-s3', key: 'secret' } }
      });
      expect(run.envFrom).toBeUndefined();
      for (const transfer of [fetch, save]) {
        expect(transfer.envFrom).toEqual([{ secretRef: { name: STORAGE.storageSecretName } }]);
        expect(Object.keys(env(transfer)).filter(name => name.startsWith('AWS_'))).toEqual([]);
      }
      // Nothing shared by all steps (stepTemplate, pod template) names an AWS_* variable.
      const shared = [taskSpec.stepTemplate?.env ?? [], (result.pipelineRun as Obj).spec.taskRunTemplate?.podTemplate?.env ?? []].flat();
      expect(shared.filter((e: Obj) => e.name.startsWith('AWS_'))).toEqual([]);
      expect(result.yaml).not.toContain('AWS_ACCESS_KEY_ID: ');
    }
  });

  it('every name the steps own is refused as a node env var and as a parameter (model rules cover RESERVED_ENV)', () => {
    for (const name of RESERVED_ENV) {
      expect([name, reservedNodeEnvName(name)]).toEqual([name, expect.any(String)]);
      expect([name, reservedParameterName(name)]).toEqual([name, expect.any(String)]);
      const document = makeDocument([{ id: 'n1', label: 'Train', properties: { env_vars: [{ env_var: name, value: 'x' }] } }]);
      expect(only(document)).toMatchObject({ code: 'reserved-env-var', property: 'env_vars', nodeId: 'n1' });
    }
  });

  it('a parameter that would clobber the environment blocks the output, named in the error', () => {
    const document = makeDocument([{ id: 'n1', label: 'Train', properties: { pipeline_parameters: ['LD_PRELOAD'] } }], {
      parameters: [{ name: 'LD_PRELOAD', default_value: { type: 'String', value: '/tmp/evil.so' } }]
    });
    const error = only(document);
    expect(error).toMatchObject({ code: 'reserved-name', property: 'pipeline_parameters' });
    expect(error.message).toContain('parameter "LD_PRELOAD"');
  });

  it('an env var that shadows a parameter the node receives', () => {
    const document = makeDocument(
      [{ id: 'n1', label: 'Train', properties: { pipeline_parameters: ['rate'], env_vars: [{ env_var: 'rate', value: '1' }] } }],
      { parameters: [{ name: 'rate', default_value: { type: 'Float', value: 0.1 } }] }
    );
    expect(only(document)).toMatchObject({ code: 'env-var-conflict', property: 'env_vars' });
  });

  it('a $(...) that is not a Tekton variable is just text', () => {
    const value = 'echo $(date) $(HOME) `id` ${HOME} pa$$word $';
    const run = ok(node({ env_vars: [{ env_var: 'X', value }] })).pipelineRun as Obj;
    // Escaped so that Kubernetes' own $(VAR) expansion hands the process the literal text.
    expect(kubeExpand(env(step(tasksOf(run)[0], 'run')).X as string, { HOME: '/root', date: 'x' })).toBe(value);
  });

  it('a node file outside the root', () => {
    const document = makeDocument([{ id: 'n1', label: 'Train', filename: '../../../x.ipynb' }]);
    expect(only(document)).toMatchObject({ code: 'path-outside-root', property: 'filename' });
  });

  it("runs a file by its extension, whatever the op says (Elyra's pipeline_with_one_mount)", () => {
    const fixture = 'elyra/elyra/tests/cli/resources/pipelines/pipeline_with_one_mount.pipeline';
    const result = ok(loadFixture(fixture), { pipelinePath: fixture });
    expect(result.diagnostics.filter(d => d.code === 'file-kind-mismatch').map(d => [d.severity, d.nodeLabel])).toEqual([['warning', 'c']]);
    const byFile = Object.fromEntries(result.ir!.nodes.map(n => [n.file.replace(/^.*\/(notebooks|scripts)\//, '$1/'), n.kind]));
    expect(byFile).toEqual({ 'notebooks/dummy_notebook_1.ipynb': 'notebook', 'scripts/dummy_script_1.py': 'python' });
    // The extension says it: run.sh derives the kind, the compiler leaves it out.
    const c = result.ir!.nodes.find(n => n.label === 'c')!;
    expect(env(step(task(result.pipelineRun as Obj, c.taskName), 'run')).TEKTON_NODE_KIND).toBeUndefined();
    expect(env(step(task(result.pipelineRun as Obj, c.taskName), 'run')).TEKTON_NODE_FILE).toMatch(/\.py$/);
  });

  it("mounts a relative mount path below / as Elyra does (Elyra's pipeline_with_scripts)", () => {
    const fixture = 'elyra/elyra/tests/cli/resources/pipelines/pipeline_with_scripts.pipeline';
    const result = ok(loadFixture(fixture), { pipelinePath: fixture });
    expect(result.diagnostics.map(d => [d.severity, d.code])).toEqual([['warning', 'relative-mount-path']]);
    const node = result.ir!.nodes.find(n => n.label === 'script_3.py')!;
    expect(node.volumes).toEqual([{ path: '/mnt/vol3', pvc_name: 'pvc-claim-3' }]);
    expect(step(task(result.pipelineRun as Obj, node.taskName), 'run').volumeMounts).toEqual([{ name: 'pvc-0', mountPath: '/mnt/vol3' }]);
  });

  it('two volumes at one mount path: the last one is mounted (Kubernetes refuses both)', () => {
    const document = makeDocument([
      { id: 'n1', label: 'Train', properties: { mounted_volumes: [{ path: '/data', pvc_name: 'first' }, { path: 'data/', pvc_name: 'second' }] } }
    ]);
    const result = ok(document);
    expect(result.ir!.nodes[0].volumes).toEqual([{ path: '/data', pvc_name: 'second' }]);
  });

  it('a file that is neither notebook nor script', () => {
    const document = makeDocument([{ id: 'n1', label: 'Train', filename: 'notes.txt' }]);
    expect(only(document)).toMatchObject({ code: 'unsupported-file-type', property: 'filename' });
  });

  it('nodes of ops we do not run (KFP components) block the output, not silently dropped', () => {
    const errors = errorsOf(loadFixture('elyra/elyra/tests/cli/resources/pipelines/kf_inputpath_parameter.pipeline'));
    expect(errors.map(d => d.code)).toEqual(['unsupported-op', 'unsupported-op', 'unsupported-op']);
    expect(errors.every(d => d.nodeId)).toBe(true);
  });

  it("model validation errors block the output (Elyra's invalid resources fixture)", () => {
    const errors = errorsOf(
      loadFixture('elyra/elyra/tests/pipeline/resources/validation_pipelines/generic_invalid_node_property_hardware_resources.pipeline')
    );
    expect(errors.map(d => [d.code, d.property])).toContainEqual(['invalid-resource', 'memory']);
  });

  it('a node without runtime image, unless a default image is given', () => {
    const document = makeDocument([{ id: 'n1', label: 'Train' }], { defaults: { runtime_image: '' } });
    expect(only(document)).toMatchObject({ code: 'missing-image', property: 'runtime_image' });
    const run = ok(document, { defaultRuntimeImage: 'python:3.12' }).pipelineRun as Obj;
    expect(step(tasksOf(run)[0], 'run').image).toBe('python:3.12');
  });

  it.each([
    [{ namespace: 'Bad_NS' }, 'namespace'],
    [{ runName: 'x'.repeat(64) }, 'runName'],
    [{ bucket: 'A' }, 'bucket'],
    [{ storageEndpoint: 'ftp://host' }, 'storageEndpoint'],
    [{ storageSecretName: 'Not A Name' }, 'storageSecretName'],
    [{ pipelineTimeout: 'an hour' }, 'pipelineTimeout'],
    [{ labels: { 'bad key!': 'x' } }, 'labels'],
    [{ labels: { team: 'bad value!' } }, 'labels'],
    [{ gpuResourceName: 'gpu' }, 'gpuResourceName'],
    [{ serviceAccountName: 'Bad SA' }, 'serviceAccountName'],
    [{ transferImage: 'mc:$(params.x)' }, 'transferImage']
  ] as [ICompileOptions, string][])('option %j', (options, option) => {
    expect(only(node({}), options)).toMatchObject({ code: 'invalid-option', property: `options.${option}` });
  });

  it('for a local run: IR and uploads only, no image or storage needed', () => {
    const document = makeDocument([{ id: 'n1', label: 'Train' }], { defaults: { runtime_image: '' } });
    const result = compile(document, { pipelinePath: 'x.pipeline', forLocalRun: true });
    expect(result.diagnostics.map(d => [d.severity, d.code])).toEqual([['warning', 'missing-image']]);
    expect(result).toMatchObject({ pipelineRun: null, documents: [], yaml: '' });
    expect(result.ir!.nodes[0]).toMatchObject({ taskName: 'train', runtimeImage: '' });
    expect(result.uploads).toHaveLength(2);
    // Everything else is checked as for Tekton.
    expect(errorsOf(node({ env_vars: [{ env_var: 'TEKTON_TASK', value: 'x' }] }), { forLocalRun: true }).map(d => d.code)).toEqual([
      'reserved-env-var'
    ]);
  });

  it('warns (only) when no object storage is configured', () => {
    const result = compile(node({}), { pipelinePath: 'x.pipeline' });
    expect(result.diagnostics.map(d => [d.severity, d.code])).toEqual([['warning', 'storage-defaults']]);
    expect(result.yaml).not.toBe('');
  });
});

describe('compile: determinism', () => {
  it('gives byte-identical YAML for the same input', () => {
    const document = edgeCaseDocuments()['every-property'];
    expect(compile(document, STORAGE).yaml).toBe(compile(document, STORAGE).yaml);
  });

  it('does not depend on the order of nodes, links or keys in the file', () => {
    const text = readFileSync(require('path').join(__dirname, '../../../shared/fixtures', PRODUCER_CONSUMER), 'utf8');
    const original = parsePipeline(text).document!;
    const shuffled = parsePipeline(text).document!;
    const pipeline = shuffled.pipelines[0];
    pipeline.nodes.reverse();
    for (const n of pipeline.nodes) {
      n.app_data!.component_parameters = Object.fromEntries(Object.entries(n.app_data!.component_parameters!).reverse());
      for (const port of n.inputs ?? []) {
        port.links?.reverse();
      }
    }
    expect(compile(shuffled, STORAGE).yaml).toBe(compile(original, STORAGE).yaml);
  });

  it('keeps node task names when an unrelated node is added', () => {
    const names = (count: number) =>
      compile(
        makeDocument(Array.from({ length: count }, (_, i) => ({ id: `n${i}`, label: i === 0 ? 'Train' : `train ${i}` }))),
        STORAGE
      ).ir!.nodes.map(n => n.taskName);
    expect(names(3).slice(0, 3)).toEqual(names(4).slice(0, 3));
  });
});

describe('compile: supernodes', () => {
  const exec = (id: string, inputs: unknown[] = [{ id: 'inPort' }]) => ({
    id,
    type: 'execution_node',
    op: 'execute-notebook-node',
    app_data: { label: id, component_parameters: { filename: `${id}.ipynb`, runtime_image: 'python:3.12', outputs: [`${id}.txt`] } },
    inputs,
    outputs: [{ id: 'outPort' }]
  });
  const link = (from: string, port = 'outPort') => ({ id: `l-${from}`, node_id_ref: from, port_id_ref: port });
  const document = {
    doc_type: 'pipeline',
    version: '3.0',
    id: 'doc',
    primary_pipeline: 'main',
    pipelines: [
      {
        id: 'main',
        app_data: { version: 8, properties: { name: 'super' } },
        nodes: [
          exec('A'),
          {
            id: 'S',
            type: 'super_node',
            subflow_ref: { pipeline_id_ref: 'sub' },
            app_data: { ui_data: { label: 'Supernode' } },
            inputs: [{ id: 'B_inPort', subflow_node_ref: 'entry', links: [link('A')] }],
            outputs: [{ id: 'C_outPort', subflow_node_ref: 'exit' }]
          },
          exec('D', [{ id: 'inPort', links: [link('S', 'C_outPort')] }])
        ]
      },
      {
        id: 'sub',
        app_data: { ui_data: { comments: [] } },
        nodes: [
          exec('B', [{ id: 'inPort', links: [link('entry', 'output_B_inPort')] }]),
          exec('C', [{ id: 'inPort', links: [link('B')] }]),
          { id: 'entry', type: 'binding', outputs: [{ id: 'output_B_inPort' }] },
          { id: 'exit', type: 'binding', inputs: [{ id: 'input_C_outPort', links: [link('C')] }] }
        ]
      }
    ]
  } as unknown as IPipelineFlowDocument;

  it('inlines the sub-pipeline: its nodes become tasks wired through the supernode', () => {
    const ir = ok(document).ir!;
    expect(ir.nodes.map(n => [n.taskName, n.runAfter, n.inputsFrom])).toEqual([
      ['a', [], []],
      ['b', ['a'], ['a']],
      ['c', ['b'], ['a', 'b']],
      ['d', ['c'], ['a', 'b', 'c']]
    ]);
  });
});

describe('compile: every shared fixture', () => {
  const fixtures = findPipelineFixtures();

  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures.map(f => [f.slice(f.indexOf('fixtures/') + 9), f]))('%s: errors, or YAML that reads back as the documents', (_name, file) => {
    const { document } = parsePipeline(readFileSync(file, 'utf8'));
    if (!document) {
      return; // a parse error: the CLI tests check it is reported
    }
    for (const separateObjects of [false, true]) {
      const result = compile(document, { ...STORAGE, separateObjects, pipelinePath: 'fixtures/x.pipeline' });
      expect(result.diagnostics.filter(d => d.code === 'internal-error')).toEqual([]);
      if (result.diagnostics.some(d => d.severity === 'error')) {
        expect(result.yaml).toBe('');
        continue;
      }
      expect(readYaml11(result.yaml)).toEqual(plain(result.documents));
      const names = result.ir!.nodes.map(n => n.taskName);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) {
        expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/);
      }
    }
  });
});
