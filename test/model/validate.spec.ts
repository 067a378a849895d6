import * as fs from 'fs';
import * as path from 'path';
import {
  addNode,
  checkFiles,
  checkImageReference,
  createPipeline,
  getNodes,
  getPrimaryPipeline,
  IDiagnostic,
  IPipelineFlowDocument,
  parsePipeline,
  setNodeProperty,
  setPipelineDefault,
  setPipelineProperty,
  validatePipeline
} from '../../src/model';
import { CLI_DIR, FIXTURES_ROOT, readFixture, VALIDATION_DIR } from './helpers';

const errors = (diagnostics: IDiagnostic[]) => diagnostics.filter(d => d.severity === 'error');

function fixture(relative: string): IPipelineFlowDocument {
  const result = parsePipeline(readFixture(relative));
  expect(result.document).not.toBeNull();
  return result.document!;
}

/** A one-node pipeline with a valid image, plus the given node properties. */
function oneNode(properties: Record<string, unknown> = {}, filename = 'train.ipynb'): { doc: IPipelineFlowDocument; id: string } {
  const added = addNode(createPipeline('t'), { kind: 'notebook', filename, x: 0, y: 0 });
  let doc = setNodeProperty(added.document, added.nodeId, 'runtime_image', 'python:3.12');
  for (const [key, value] of Object.entries(properties)) {
    doc = setNodeProperty(doc, added.nodeId, key, value);
  }
  return { doc, id: added.nodeId };
}

function problemsOf(properties: Record<string, unknown>): IDiagnostic[] {
  return validatePipeline(oneNode(properties).doc);
}

describe('validation parity with Elyra fixtures', () => {
  it('generic_single_cycle: every node in the cycle is reported', () => {
    const doc = fixture(`${VALIDATION_DIR}/generic_single_cycle.pipeline`);
    const cycle = validatePipeline(doc).filter(d => d.code === 'cycle');
    expect(cycle.map(d => d.nodeLabel).sort()).toEqual(['notebookB.ipynb', 'notebookD.ipynb']);
    expect(cycle.every(d => d.severity === 'error' && d.linkIds!.length === 1)).toBe(true);
  });

  it('generic_invalid_node_property_image_name: invalid-image (and a missing image)', () => {
    const doc = fixture(`${VALIDATION_DIR}/generic_invalid_node_property_image_name.pipeline`);
    const problems = validatePipeline(doc, { requireRuntimeImage: true });
    expect(errors(problems).map(d => [d.code, d.nodeLabel, d.property])).toEqual([
      ['invalid-image', 'notebookB.ipynb', 'runtime_image'],
      ['missing-image', 'notebookA.ipynb', 'runtime_image']
    ]);
  });

  it('generic_invalid_node_property_hardware_resources: invalid memory', () => {
    const doc = fixture(`${VALIDATION_DIR}/generic_invalid_node_property_hardware_resources.pipeline`);
    expect(errors(validatePipeline(doc)).map(d => [d.code, d.nodeLabel, d.property])).toEqual([
      ['invalid-resource', 'notebookA.ipynb', 'memory']
    ]);
  });

  it('generic_malformed_basic_pipeline_only_notebook: parse error', () => {
    const result = parsePipeline(readFixture(`${VALIDATION_DIR}/generic_malformed_basic_pipeline_only_notebook.pipeline`));
    expect(result.document).toBeNull();
    expect(result.diagnostics.map(d => d.code)).toEqual(['invalid-json']);
  });

  it.each(['generic_basic_pipeline_only_notebook.pipeline', 'generic_basic_pipeline_with_scripts.pipeline'])(
    '%s is valid, apart from files missing on disk',
    async name => {
      const doc = fixture(`${VALIDATION_DIR}/${name}`);
      expect(validatePipeline(doc, { requireRuntimeImage: true })).toEqual([]);
      const pipelinePath = `${VALIDATION_DIR}/${name}`;
      const exists = async (p: string) => fs.existsSync(path.join(FIXTURES_ROOT, p));
      const missing = await checkFiles(doc, pipelinePath, exists);
      expect(missing.length).toBeGreaterThan(0);
      expect(missing.every(d => d.code === 'missing-file' && d.property === 'filename')).toBe(true);
      expect(missing[0].message).toContain(`${VALIDATION_DIR}/`);
    }
  );

  it('KFP component nodes are kept and reported as unsupported', () => {
    const doc = fixture(`${CLI_DIR}/kf_inputpath_parameter.pipeline`);
    const unsupported = validatePipeline(doc).filter(d => d.code === 'unsupported-op');
    expect(unsupported).toHaveLength(3);
    expect(unsupported[0]).toMatchObject({ severity: 'error', nodeLabel: 'Download data' });
    expect(getNodes(getPrimaryPipeline(doc))).toHaveLength(3);
  });

  it('a pipeline without nodes is an error', () => {
    const doc = fixture(`${CLI_DIR}/pipeline_with_zero_nodes.pipeline`);
    expect(validatePipeline(doc).map(d => d.code)).toEqual(['empty-pipeline']);
  });

  it('pipeline_with_one_mount: a notebook node with a .py file is only a warning', () => {
    const doc = fixture(`${CLI_DIR}/pipeline_with_one_mount.pipeline`);
    const problems = validatePipeline(doc, { requireRuntimeImage: true });
    expect(errors(problems)).toEqual([]);
    expect(problems.map(d => [d.severity, d.code, d.nodeLabel])).toEqual([['warning', 'file-kind-mismatch', 'c']]);
  });

  it('a relative mount path is mounted below / as Elyra does: a warning (pipeline_with_scripts)', () => {
    const doc = fixture(`${CLI_DIR}/pipeline_with_scripts.pipeline`);
    const problems = validatePipeline(doc, { requireRuntimeImage: true });
    expect(problems.map(d => [d.severity, d.code, d.nodeLabel, d.property])).toEqual([
      ['warning', 'relative-mount-path', 'script_3.py', 'mounted_volumes']
    ]);
    expect(problems[0].message).toContain('mount path "mnt/vol3" is relative; the volume is mounted at /mnt/vol3, as Elyra does.');
  });
});

describe('node rules', () => {
  const codes = (properties: Record<string, unknown>) => errors(problemsOf(properties)).map(d => `${d.code}:${d.property}`);

  it('accepts a fully specified valid node', () => {
    const valid = {
      cpu: 0.5,
      cpu_limit: '1',
      memory: 2,
      memory_limit: '4Gi',
      gpu: 1,
      gpu_vendor: 'nvidia.com/gpu',
      env_vars: [
        { env_var: 'MODE', value: 'fast' },
        { env_var: 'EMPTY', value: '' },
        { env_var: '', value: '' }
      ],
      dependencies: ['data/*.csv'],
      outputs: ['model.pkl'],
      kubernetes_secrets: [{ env_var: 'DB_PASS', name: 'db-secret', key: 'password' }],
      mounted_volumes: [{ path: '/mnt/data', pvc_name: 'data-pvc', sub_path: 'team', read_only: true }],
      kubernetes_pod_labels: [{ key: 'app.kubernetes.io/team', value: 'ml' }],
      kubernetes_pod_annotations: [{ key: 'example.com/note', value: 'any text: here!' }],
      kubernetes_tolerations: [
        { key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
        { key: '', operator: 'Exists', value: '', effect: '' }
      ],
      node_selector: [{ key: 'kubernetes.io/arch', value: 'amd64' }],
      kubernetes_shared_mem_size: { size: 1, units: 'G' },
      timeout: '1h30m',
      retries: 2
    };
    expect(problemsOf(valid)).toEqual([]);
  });

  it.each([
    [{ cpu: 0 }, 'invalid-resource:cpu'],
    [{ cpu: '0' }, 'invalid-resource:cpu'],
    [{ cpu: 'two' }, 'invalid-resource:cpu'],
    [{ cpu: 4, cpu_limit: 2 }, 'invalid-resource:cpu_limit'],
    [{ memory: -2 }, 'invalid-resource:memory'],
    [{ memory: '2Gi', memory_limit: '1Gi' }, 'invalid-resource:memory_limit'],
    [{ memory: 2, memory_limit: '1Gi' }, 'invalid-resource:memory_limit'],
    [{ gpu: -1 }, 'invalid-resource:gpu'],
    [{ gpu: 1.5 }, 'invalid-resource:gpu'],
    [{ gpu_vendor: 'nvidia gpu' }, 'invalid-resource:gpu_vendor'],
    [{ runtime_image: 'MyOrg/Image:1' }, 'invalid-image:runtime_image'],
    [{ env_vars: [{ env_var: 'MY VAR', value: '1' }] }, 'invalid-env-var:env_vars'],
    [{ env_vars: [{ env_var: '1ABC', value: '1' }] }, 'invalid-env-var:env_vars'],
    [{ env_vars: [{ env_var: '', value: 'orphan' }] }, 'invalid-env-var:env_vars'],
    [{ kubernetes_secrets: [{ env_var: 'A', name: 'db' }] }, 'invalid-secret:kubernetes_secrets'],
    [{ kubernetes_secrets: [{ env_var: 'A', name: 'Bad_Name', key: 'k' }] }, 'invalid-secret:kubernetes_secrets'],
    [{ mounted_volumes: [{ path: '', pvc_name: 'pvc' }] }, 'invalid-volume:mounted_volumes'],
    [{ mounted_volumes: [{ path: '/data', pvc_name: 'pvc', sub_path: '/abs' }] }, 'invalid-volume:mounted_volumes'],
    [{ kubernetes_pod_labels: [{ key: 'bad key', value: 'x' }] }, 'invalid-pod-label:kubernetes_pod_labels'],
    [{ kubernetes_pod_labels: [{ key: 'ok', value: 'not ok!' }] }, 'invalid-pod-label:kubernetes_pod_labels'],
    [{ kubernetes_pod_labels: [{ key: `x/${'a'.repeat(64)}`, value: '' }] }, 'invalid-pod-label:kubernetes_pod_labels'],
    [{ kubernetes_tolerations: [{ key: '', operator: 'Equal', value: 'v', effect: '' }] }, 'invalid-toleration:kubernetes_tolerations'],
    [{ kubernetes_tolerations: [{ key: 'k', operator: 'Exists', value: 'v', effect: '' }] }, 'invalid-toleration:kubernetes_tolerations'],
    [{ kubernetes_tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'Sometimes' }] }, 'invalid-toleration:kubernetes_tolerations'],
    [{ node_selector: [{ key: 'zone', value: 'a b' }] }, 'invalid-node-selector:node_selector'],
    [{ timeout: 'soon' }, 'invalid-timeout:timeout'],
    [{ timeout: '0s' }, 'invalid-timeout:timeout'],
    [{ timeout: -5 }, 'invalid-timeout:timeout'],
    [{ retries: -1 }, 'invalid-retries:retries'],
    [{ retries: 2.5 }, 'invalid-retries:retries'],
    [{ filename: 42 }, 'invalid-property:filename'],
    [{ filename: '' }, 'missing-filename:filename'],
    [{ filename: 'train.txt' }, 'unsupported-file-type:filename'],
    [{ filename: 'notebooks' }, 'unsupported-file-type:filename'],
    [{ filename: '/home/user/train.ipynb' }, 'absolute-path:filename'],
    [{ pipeline_parameters: ['nope'] }, 'unknown-parameter:pipeline_parameters']
  ])('%j → %s', (properties, expected) => {
    expect(codes(properties)).toEqual([expected]);
  });

  it.each([
    ['train.py', 'a Python script', 'a notebook node'],
    ['analysis/Train.R', 'an R script', 'a notebook node']
  ])('a notebook node with %s: a warning, not an error (Elyra runs a file by its extension)', (filename, file, node) => {
    const problems = problemsOf({ filename });
    expect(errors(problems)).toEqual([]);
    const [warning] = problems.filter(d => d.code === 'file-kind-mismatch');
    expect(warning).toMatchObject({ severity: 'warning', property: 'filename', nodeLabel: 'train.ipynb' });
    expect(warning.message).toContain(`"${filename}" is ${file}, but the node is ${node}; it runs as ${file}`);
  });

  it.each([
    ['outputs', '/etc/passwd', 'invalid-output', 'is an absolute path'],
    ['outputs', 'C:\\data\\x.csv', 'invalid-output', 'is an absolute path'],
    ['outputs', '../escape.csv', 'invalid-output', 'contains a ".." segment'],
    ['outputs', 'data/../../x', 'invalid-output', 'contains a ".." segment'],
    ['outputs', 'a.csv\nb.csv', 'invalid-output', 'contains a line break'],
    ['outputs', 'model.pkl\r', 'invalid-output', 'contains a line break'],
    ['dependencies', '/home/jovyan/data.csv', 'invalid-dependency', 'is an absolute path'],
    ['dependencies', '../shared/*.py', 'invalid-dependency', 'contains a ".." segment'],
    ['dependencies', 'lib\\..\\..\\x', 'invalid-dependency', 'contains a ".." segment'],
    ['dependencies', 'data\n*.csv', 'invalid-dependency', 'contains a line break']
  ])('%s entry %j: %s', (property, entry, code, reason) => {
    const problems = errors(problemsOf({ [property]: ['ok.csv', entry] }));
    expect(problems.map(d => [d.code, d.property, d.nodeLabel])).toEqual([[code, property, 'train.ipynb']]);
    expect(problems[0].message).toContain(`property "${property}": entry 2 (${JSON.stringify(entry)}) ${reason}; `);
    const defaults = errors(validatePipeline(setPipelineDefault(oneNode().doc, property, [entry])));
    expect(defaults.map(d => [d.code, d.property])).toEqual([[code, `pipeline_defaults.${property}`]]);
  });

  it('outputs and dependencies may be globs, nested, or start with ./', () => {
    const patterns = ['*.csv', 'data/**/*.parquet', './model.pkl', 'plots/fig[0-9].png', 'a..b.txt', '..hidden', 'dir/'];
    expect(problemsOf({ outputs: patterns, dependencies: patterns })).toEqual([]);
  });

  it("blank and null entries are dropped, as Elyra does (its pipeline_with_invalid_list_values)", () => {
    const problems = problemsOf({
      dependencies: ['a.txt', 'b.txt', '', null, 'c.txt'],
      outputs: ['d.txt', null, '', '  ', 'e.txt', 'f.txt'],
      env_vars: [{ env_var: 'var1', value: 'var1' }, { env_var: '' }, {}, null]
    });
    expect(problems).toEqual([]);
  });

  it('mount paths are compared as Elyra mounts them: "data/" and "/data" are the same path', () => {
    const problems = problemsOf({ mounted_volumes: [{ path: '/data', pvc_name: 'pvc' }, { path: 'data/', pvc_name: 'other' }] });
    expect(problems.map(d => [d.severity, d.code])).toEqual([
      ['warning', 'invalid-volume'],
      ['warning', 'relative-mount-path']
    ]);
    expect(problems[0].message).toContain('mount path "/data" is listed more than once; the last entry is used.');
  });

  it('names the node and the property in messages', () => {
    const [problem] = errors(problemsOf({ memory: -2 }));
    expect(problem).toMatchObject({ nodeLabel: 'train.ipynb', property: 'memory' });
    expect(problem.message).toMatch(/^Node "train\.ipynb" \([0-9a-f-]+\), property "memory": must be greater than 0, not -2\.$/);
    const [secret] = errors(problemsOf({ kubernetes_secrets: [{ env_var: 'A', name: 'db', key: '' }] }));
    expect(secret.message).toContain('entry 1, Secret key is required');
  });

  it('warns about duplicate and empty labels', () => {
    let doc = createPipeline();
    for (let i = 0; i < 2; i++) {
      doc = addNode(doc, { kind: 'notebook', filename: `a${i}.ipynb`, x: 0, y: 0, label: 'same' }).document;
    }
    const warnings = validatePipeline(doc).filter(d => d.code === 'duplicate-label');
    expect(warnings).toHaveLength(2);
    expect(warnings[0].severity).toBe('warning');
  });
});

describe('pipeline rules', () => {
  function withParameters(parameters: unknown[], used: string[] = []) {
    const { doc, id } = oneNode({ pipeline_parameters: used });
    return validatePipeline(setPipelineProperty(doc, 'pipeline_parameters', parameters));
  }

  it('accepts well-formed parameters used by a node', () => {
    expect(
      withParameters(
        [
          { name: 'learning_rate', default_value: { type: 'Float', value: 0.1 }, required: false },
          { name: 'epochs', default_value: { type: 'Integer', value: 3 }, value: 5 }
        ],
        ['learning_rate', 'epochs']
      )
    ).toEqual([]);
  });

  it.each([
    [[{ name: '1st', default_value: { type: 'String', value: '' } }], 'must be a valid identifier'],
    [[{ name: 'class', default_value: { type: 'String', value: '' } }], 'cannot be a Python keyword'],
    [[{ name: 'a' }, { name: 'a' }], 'defined more than once'],
    [[{ name: 'n', default_value: { type: 'Integer', value: 'ten' } }], 'is not of type Integer'],
    [[{ name: 'n', default_value: { type: 'Decimal', value: 1 } }], 'must be one of "String", "Integer", "Float", "Bool"'],
    [['just-a-string'], 'must be an object']
  ])('%j', (parameters, message) => {
    const problems = errors(withParameters(parameters));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'invalid-parameter', property: 'pipeline_parameters' });
    expect(problems[0].message).toContain(message);
  });

  it.each([
    'PATH', 'HOME', 'PWD', 'SHELL', 'USER', 'LANG', 'TERM', 'PYTHONPATH', 'PYTHONHOME', 'PYTHONSTARTUP',
    'LD_PRELOAD', 'LD_LIBRARY_PATH', 'DYLD_INSERT_LIBRARIES', 'TEKTON_ENGINE', 'TEKTON_WORKDIR',
    'BASH_ENV', 'LC_ALL', 'KUBERNETES_SERVICE_HOST', 'JUPYTER_PATH'
  ])('a parameter named %s would clobber the run step\'s environment: a located error', name => {
    const problems = errors(withParameters([{ name, default_value: { type: 'String', value: 'x' } }], [name]));
    expect(problems.map(d => [d.code, d.property, d.nodeId])).toEqual([['reserved-name', 'pipeline_parameters', undefined]]);
    expect(problems[0].message).toMatch(
      new RegExp(`^Pipeline property "pipeline_parameters": parameter "${name}" \\(entry 1\\): parameters become environment variables of the node, and .+; rename the parameter\\.$`)
    );
  });

  it.each(['path', 'Path', 'home_dir', 'LDAP_HOST', 'TEKTONIC', 'R_SQUARED', 'USERNAME', 'data_PATH', 'aws_region', 'AWS_REGION'])(
    'a parameter named %s is fine',
    name => {
      expect(withParameters([{ name, default_value: { type: 'String', value: 'x' } }], [name])).toEqual([]);
    }
  );

  it.each([
    ['env_vars', { env_var: 'TEKTON_ENGINE', value: 'exec' }],
    ['kubernetes_secrets', { env_var: 'TEKTON_RUN_ID', name: 'creds', key: 'k' }]
  ])('node %s: a name the task owns (%j) is a located error, on the node and in the defaults', (property, entry) => {
    const node = errors(problemsOf({ [property]: [{ env_var: 'OK', value: '1', name: 'creds', key: 'k' }, entry] }));
    expect(node.map(d => [d.code, d.property, d.nodeLabel])).toEqual([['reserved-env-var', property, 'train.ipynb']]);
    expect(node[0].message).toContain(`property "${property}": entry 2, environment variable "${entry.env_var}": names starting with`);
    const defaults = errors(validatePipeline(setPipelineDefault(oneNode().doc, property, [entry])));
    expect(defaults.map(d => [d.code, d.property])).toEqual([['reserved-env-var', `pipeline_defaults.${property}`]]);
  });

  it('node env vars and secrets may be AWS_* (the storage keys reach only the transfer steps)', () => {
    const env_vars = [{ env_var: 'AWS_ENDPOINT_URL', value: 'http://s3.example' }, { env_var: 'AWS_REGION', value: 'eu-west-1' }];
    const kubernetes_secrets = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'].map(env_var => ({ env_var, name: 'my-s3', key: env_var }));
    expect(problemsOf({ env_vars, kubernetes_secrets })).toEqual([]);
  });

  it('node env vars may set what a parameter may not (PYTHONPATH, LD_LIBRARY_PATH, PATH)', () => {
    const env_vars = ['PYTHONPATH', 'LD_LIBRARY_PATH', 'PATH'].map(env_var => ({ env_var, value: '/opt/x' }));
    expect(problemsOf({ env_vars })).toEqual([]);
  });

  it('an env var without a value is dropped (as Elyra does), so its name is not checked', () => {
    expect(problemsOf({ env_vars: [{ env_var: 'TEKTON_TASK', value: '' }] })).toEqual([]);
  });

  it('checks pipeline defaults with the node rules', () => {
    let { doc } = oneNode();
    doc = setPipelineDefault(doc, 'mounted_volumes', [{ path: '/data', pvc_name: 'Not_A_Name' }]);
    doc = setPipelineDefault(doc, 'kubernetes_tolerations', [{ key: '', operator: 'Equal', value: '', effect: 'NoSchedule' }]);
    const problems = errors(validatePipeline(doc));
    expect(problems.map(d => [d.code, d.property])).toEqual([
      ['invalid-volume', 'pipeline_defaults.mounted_volumes'],
      ['invalid-toleration', 'pipeline_defaults.kubernetes_tolerations']
    ]);
  });

  it('a default runtime image satisfies nodes without one', () => {
    const added = addNode(createPipeline(), { kind: 'python', filename: 'a.py', x: 0, y: 0 });
    expect(validatePipeline(added.document).map(d => d.code)).toEqual(['missing-image']);
    const doc = setPipelineDefault(added.document, 'runtime_image', 'registry.example.com:5000/team/image:1.0');
    expect(validatePipeline(doc, { requireRuntimeImage: true })).toEqual([]);
  });
});

describe('checkFiles', () => {
  const doc = (() => {
    let d = createPipeline();
    d = addNode(d, { kind: 'notebook', filename: 'nb/a.ipynb', x: 0, y: 0 }).document;
    const b = addNode(d, { kind: 'python', filename: '../../outside.py', x: 0, y: 0 });
    d = setNodeProperty(b.document, b.nodeId, 'dependencies', ['data.csv', '*.txt', '../../../x']);
    d = addNode(d, { kind: 'r', filename: 'r/b.r', x: 0, y: 0 }).document;
    return d;
  })();

  it('resolves paths relative to the pipeline file and refuses escapes', async () => {
    const seen: string[] = [];
    const existing = new Set(['work/nb/a.ipynb']);
    const problems = await checkFiles(doc, 'work/flow.pipeline', async p => {
      seen.push(p);
      return existing.has(p);
    });
    expect(seen.sort()).toEqual(['work/nb/a.ipynb', 'work/r/b.r']);
    expect(problems.map(d => [d.code, d.property])).toEqual([
      ['path-outside-root', 'filename'],
      ['missing-file', 'filename']
    ]);
  });

  it('checks dependencies next to the node file; globs are not checked', async () => {
    const problems = await checkFiles(doc, 'a/b/c/flow.pipeline', async p => p !== 'a/b/c/r/b.r' && p !== 'a/data.csv');
    expect(problems.map(d => [d.code, d.property, d.message.match(/property "[^"]+": [^"]*"([^"]+)"/)![1]])).toEqual([
      ['missing-dependency', 'dependencies', 'data.csv'],
      ['missing-file', 'filename', 'r/b.r']
    ]);
    // '..' in a dependency is validatePipeline's to report (once), not checkFiles'.
    expect(errors(validatePipeline(doc)).filter(d => d.property === 'dependencies').map(d => d.code)).toEqual(['invalid-dependency']);
  });
});

describe('image references', () => {
  it.each([
    'python',
    'python:3.12',
    'docker.io/library/python:3.12-slim',
    'quay.io/jupyter/scipy-notebook:2024-10-07',
    'localhost:5000/my_team/image',
    'registry.example.com:5000/a/b/c:v1.0',
    `ubuntu@sha256:${'a'.repeat(64)}`,
    'continuumio/anaconda3:2020.07',
    'pytorch/pytorch:1.4-cuda10.1-cudnn7-devel'
  ])('accepts %s', image => {
    expect(checkImageReference(image)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['image/with spaces', /spaces/],
    ['MyOrg/image', null],
    ['myorg/Image', /lower case/],
    ['Python:3', /lower case/],
    ['python:', /form/],
    ['-python', /form/],
    ['python:tag with space', /spaces/],
    [`python:${'t'.repeat(200)}`, /form/],
    [`${'a'.repeat(256)}`, /longer than 255/]
  ])('judges %j', (image, expected) => {
    const reason = checkImageReference(image);
    if (expected === null) {
      // An upper-case first component is a registry host, as in Docker.
      expect(reason).toBeNull();
    } else {
      expect(reason).toMatch(expected);
    }
  });
});
