// Writes Tekton YAML for Tekton's own validator (tools/tekton-validate) into OUT_DIR:
// every .pipeline under ../shared/fixtures that our validation accepts, in both output
// modes, plus generated edge cases (unicode and 200-char labels, names that collide after
// sanitising, 1000 nodes, every property set). Uses the built CLI bundle, so it checks
// exactly what users run. Exit 1 when the CLI crashes or an edge case does not compile.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const cli = join(repo, 'jupyterlab_tekton', 'cli', 'tekton-pipeline.cjs');
const fixtures = resolve(repo, '..', 'shared', 'fixtures');
const outDir = resolve(process.argv[2] ?? 'tekton-yaml');
mkdirSync(outDir, { recursive: true });

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      yield* walk(path);
    } else if (name.endsWith('.pipeline')) {
      yield path;
    }
  }
}

// Fixture pipelines may reference files beside their folder (`../scripts/setup.py`), as
// Elyra allows within the server root: the root is the fixtures tree, as a server's would be.
const rootFor = file => (file.startsWith(fixtures) ? fixtures : dirname(file));

/** Runs the CLI; returns its exit code. Crashes (code > 2 or a signal) are failures. */
function compile(file, output, extra = []) {
  const result = spawnSync(
    process.execPath,
    [cli, 'compile', file, '-o', output, '--root', rootFor(file), '--skip-file-check', '--storage-secret', 'storage-keys', ...extra],
    { encoding: 'utf8' }
  );
  if (result.status === null || result.status > 2) {
    throw new Error(`CLI crashed on ${file}: ${result.stderr}`);
  }
  return { status: result.status, stderr: result.stderr };
}

let written = 0;
let failed = false;
for (const file of walk(fixtures)) {
  const stem = file.slice(fixtures.length + 1).replace(/[\\/]/g, '__').replace(/\.pipeline$/, '');
  const single = compile(file, join(outDir, `${stem}.yaml`));
  if (single.status !== 0) {
    console.log(`skip (rejected by our validation): ${basename(file)}: ${single.stderr.split('\n')[0]}`);
    continue;
  }
  compile(file, join(outDir, `${stem}.separate.yaml`), ['--separate']);
  written += 2;
}

// ---- generated edge cases ----------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'tekton-edge-'));

function node(id, label, filename, x, properties = {}, upstream = []) {
  return {
    id,
    type: 'execution_node',
    op: filename.endsWith('.py') ? 'execute-python-node' : 'execute-notebook-node',
    app_data: {
      label,
      component_parameters: { filename, runtime_image: 'python:3.12-slim', ...properties },
      ui_data: { label, x_pos: x, y_pos: 0 }
    },
    inputs: [
      {
        id: 'inPort',
        links: upstream.map((source, i) => ({ id: `${id}-l${i}`, node_id_ref: source, port_id_ref: 'outPort' }))
      }
    ],
    outputs: [{ id: 'outPort' }]
  };
}

function pipelineDoc(name, nodes, properties = {}) {
  return {
    doc_type: 'pipeline',
    version: '3.0',
    json_schema:
      'http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json',
    id: `${name}-doc`,
    primary_pipeline: 'primary',
    pipelines: [
      { id: 'primary', nodes, app_data: { version: 8, properties: { name, runtime: 'Generic', ...properties } }, runtime_ref: '' }
    ],
    schemas: []
  };
}

// A deterministic pseudo-random generator (fixed seed) for the large DAG.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const edgeCases = {
  'edge-unicode-long-labels': pipelineDoc('Ünïcödé pipeline ☃ with a very long name '.repeat(4), [
    node('a', 'Données d’entrée — 読み込み ☃', 'a.ipynb', 0),
    node('b', 'x'.repeat(200), 'b.ipynb', 200, {}, ['a']),
    node('c', '日本語だけ', 'c.py', 400, {}, ['a']),
    node('d', '🙂', 'd.ipynb', 600, {}, ['b', 'c'])
  ]),
  'edge-colliding-names': pipelineDoc('collisions', [
    node('n1', 'Load data', 'a.ipynb', 0),
    node('n2', 'load-data', 'a.ipynb', 100, {}, ['n1']),
    node('n3', 'LOAD_DATA', 'a.ipynb', 200, {}, ['n1']),
    node('n4', 'load.data', 'a.ipynb', 300, {}, ['n2', 'n3']),
    node('n5', '--load  data--', 'a.ipynb', 400, {}, ['n4'])
  ]),
  'edge-1000-nodes': pipelineDoc(
    'thousand',
    Array.from({ length: 1000 }, (_, i) => {
      const upstream = [];
      for (let k = 0; k < 2 && i > 0; k++) {
        const source = Math.floor(random() * i);
        if (!upstream.includes(`n${source}`)) {
          upstream.push(`n${source}`);
        }
      }
      return node(`n${i}`, `step ${i}`, i % 3 ? 'nb.ipynb' : 'script.py', i, { outputs: [`out-${i}.csv`] }, upstream);
    })
  ),
  'edge-every-property': pipelineDoc(
    'every-property',
    [
      node('p', 'producer', 'producer.ipynb', 0, {
        cpu: 2,
        cpu_limit: 4,
        memory: 8,
        memory_limit: '16Gi',
        gpu: 1,
        gpu_vendor: 'amd.com/gpu',
        env_vars: [{ env_var: 'QUOTE', value: `it's "$(whoami)" \`id\`\nnext` }],
        dependencies: ['conf/*.yaml', 'helpers.py'],
        include_subdirectories: true,
        outputs: ['model/model.pt', 'metrics.json'],
        kubernetes_secrets: [{ env_var: 'HF_TOKEN', name: 'hf-creds', key: 'token' }],
        mounted_volumes: [{ path: '/mnt/data', pvc_name: 'data-pvc', sub_path: 'team', read_only: true }],
        kubernetes_pod_labels: [{ key: 'team', value: 'ml' }],
        kubernetes_pod_annotations: [{ key: 'example.com/note', value: 'a "quoted" value' }],
        kubernetes_tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
        kubernetes_shared_mem_size: { size: 2, units: 'G' },
        node_selector: [{ key: 'kubernetes.io/arch', value: 'amd64' }],
        timeout: '30m',
        retries: 2,
        pipeline_parameters: ['epochs', 'learning_rate', 'dry_run', 'tag']
      }),
      node('q', 'consumer', 'consumer.py', 200, { timeout: 15, pipeline_parameters: ['tag'] }, ['p'])
    ],
    {
      pipeline_parameters: [
        { name: 'epochs', default_value: { type: 'Integer', value: 3 }, required: false },
        { name: 'learning_rate', default_value: { type: 'Float', value: 0.01 }, required: false },
        { name: 'dry_run', default_value: { type: 'Bool', value: false }, required: false },
        { name: 'tag', default_value: { type: 'String', value: `$(rm -rf /) "'\`` }, required: false }
      ]
    }
  )
};

for (const [name, doc] of Object.entries(edgeCases)) {
  const file = join(work, `${name}.pipeline`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  for (const [suffix, extra] of [
    ['', []],
    ['.separate', ['--separate']]
  ]) {
    const result = compile(file, join(outDir, `${name}${suffix}.yaml`), extra);
    if (result.status !== 0) {
      console.error(`edge case ${name}${suffix} did not compile:\n${result.stderr}`);
      failed = true;
    } else {
      written++;
    }
  }
}

console.log(`compile-fixtures: wrote ${written} YAML files to ${outDir}`);
process.exit(failed || written === 0 ? 1 : 0);
