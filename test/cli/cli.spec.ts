import * as fs from 'fs';
import * as path from 'path';
import { compile } from '../../src/compiler';
import { parsePipeline, serializePipeline } from '../../src/model';
import { makeDocument } from '../compiler/generate';
import { cleanup, cli, NOTEBOOK, project } from './helpers';

afterAll(cleanup);

/** A two-node pipeline in a project folder, with its notebooks. */
function twoNodes(extra: Record<string, string> = {}) {
  const document = makeDocument(
    [
      { id: 'a', label: 'Load data', filename: 'load.ipynb', properties: { outputs: ['data.csv'], pipeline_parameters: ['n'] } },
      { id: 'b', label: 'Train', filename: 'train.ipynb', parents: ['a'] }
    ],
    { name: 'demo', parameters: [{ name: 'n', default_value: { type: 'Integer', value: 3 } }] }
  );
  const dir = project({
    'flows/demo.pipeline': serializePipeline(document),
    'flows/load.ipynb': NOTEBOOK,
    'flows/train.ipynb': NOTEBOOK,
    ...extra
  });
  return { dir, file: path.join(dir, 'flows/demo.pipeline'), document };
}

const STORAGE_ARGS = ['--endpoint', 'http://minio:9000', '--bucket', 'runs', '--storage-secret', 'storage', '--region', 'eu-1'];
const STORAGE_OPTIONS = { storageEndpoint: 'http://minio:9000', bucket: 'runs', storageSecretName: 'storage', storageRegion: 'eu-1' };

describe('tekton-pipeline: usage', () => {
  it('prints the overview and exits 2 without a command, 0 for --help', () => {
    const none = cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: tekton-pipeline COMMAND');
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate.*\n.*compile.*\n.*export.*\n.*run.*\n.*submit/);
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['compile'], 'compile needs a pipeline FILE'],
    [['compile', 'a.pipeline', 'b.pipeline'], 'takes one FILE'],
    [['compile', 'x.pipeline', '--nope'], 'unknown option --nope'],
    [['compile', 'x.pipeline', '--param', 'novalue'], '--param expects KEY=VALUE'],
    [['compile', 'x.pipeline', '--bucket'], '--bucket needs a value'],
    [['compile', 'x.pipeline', '--separate=yes'], '--separate takes no value'],
    [['validate', '/no/such/file.pipeline'], 'cannot read /no/such/file.pipeline: ENOENT'],
    [['submit', 'x.pipeline'], 'submit needs --config NAME']
  ])('%j → exit 2: %s', (args, message) => {
    const result = cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('refuses a FILE outside --root', () => {
    const { file } = twoNodes();
    const result = cli(['validate', file, '--root', path.join(path.dirname(file), 'elsewhere')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not inside --root');
  });

  it('prints help for each command', () => {
    for (const command of ['validate', 'compile', 'export', 'run', 'submit']) {
      const result = cli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: tekton-pipeline ${command} FILE`);
    }
  });
});

describe('tekton-pipeline compile / export', () => {
  it('writes the same YAML as the compiler, to stdout', () => {
    const { dir, file, document } = twoNodes();
    const result = cli(['compile', 'flows/demo.pipeline', ...STORAGE_ARGS, '--param', 'n=7'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = compile(parsePipeline(fs.readFileSync(file, 'utf8')).document!, {
      ...STORAGE_OPTIONS,
      parameters: { n: '7' },
      pipelinePath: 'flows/demo.pipeline'
    });
    expect(expected.yaml).toContain('value: "7"');
    expect(result.stdout).toBe(expected.yaml);
    expect(document.pipelines[0].nodes).toHaveLength(2);
  });

  it('export is the same command', () => {
    const { dir } = twoNodes();
    const a = cli(['compile', 'flows/demo.pipeline', ...STORAGE_ARGS], { cwd: dir });
    const b = cli(['export', 'flows/demo.pipeline', ...STORAGE_ARGS], { cwd: dir });
    expect(b).toEqual(a);
  });

  it('writes -o FILE atomically and -o DIR as <name>.yaml', () => {
    const { dir } = twoNodes();
    expect(cli(['compile', 'flows/demo.pipeline', '-o', 'out.yaml', ...STORAGE_ARGS], { cwd: dir }).code).toBe(0);
    fs.mkdirSync(path.join(dir, 'yaml'));
    expect(cli(['compile', 'flows/demo.pipeline', '--output=yaml', ...STORAGE_ARGS], { cwd: dir }).code).toBe(0);
    const written = fs.readFileSync(path.join(dir, 'out.yaml'), 'utf8');
    expect(fs.readFileSync(path.join(dir, 'yaml/demo.yaml'), 'utf8')).toBe(written);
    expect(written).toContain('kind: PipelineRun');
    expect(fs.readdirSync(dir).filter(name => name.endsWith('.tmp'))).toEqual([]);
  });

  it('with --separate writes Tasks, a Pipeline and a PipelineRun', () => {
    const { dir } = twoNodes();
    const result = cli(['compile', 'flows/demo.pipeline', '--separate', '--namespace', 'ml', ...STORAGE_ARGS], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout.match(/^kind: \w+$/gm)).toEqual(['kind: Task', 'kind: Task', 'kind: Pipeline', 'kind: PipelineRun']);
  });

  it('writes nothing and exits 1 for an invalid pipeline, one line per problem', () => {
    const { dir } = twoNodes();
    fs.rmSync(path.join(dir, 'flows/train.ipynb'));
    const result = cli(['compile', 'flows/demo.pipeline', '-o', 'out.yaml', ...STORAGE_ARGS], { cwd: dir });
    expect(result.code).toBe(1);
    expect(fs.existsSync(path.join(dir, 'out.yaml'))).toBe(false);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'flows/demo.pipeline: error: Node "Train" (b), property "filename": the file "train.ipynb" does not exist (looked for flows/train.ipynb). [missing-file]'
    ]);
  });

  it('validate: reserved parameter names, TEKTON_ env vars and escaping outputs are located errors; a file kind mismatch only warns', () => {
    const document = makeDocument(
      [
        {
          id: 'a',
          label: 'Load data',
          filename: 'load.py',
          properties: { outputs: ['../up.csv'], dependencies: ['/etc/hosts'], pipeline_parameters: ['PATH'], env_vars: [{ env_var: 'TEKTON_ENGINE', value: 'x' }, { env_var: 'AWS_PROFILE', value: 'x' }] }
        }
      ],
      { name: 'demo', parameters: [{ name: 'PATH', default_value: { type: 'String', value: '/opt' } }] }
    );
    const dir = project({ 'demo.pipeline': serializePipeline(document), 'load.py': 'print(1)\n' });
    const result = cli(['validate', 'demo.pipeline'], { cwd: dir });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.map(line => line.match(/: (error|warning): .*\[([a-z-]+)\]$/)!.slice(1))).toEqual([
      ['error', 'reserved-name'],
      ['warning', 'file-kind-mismatch'],
      ['error', 'reserved-env-var'],
      ['error', 'invalid-dependency'],
      ['error', 'invalid-output']
    ]);
    expect(lines[0]).toContain('Pipeline property "pipeline_parameters": parameter "PATH" (entry 1)');
    expect(lines[4]).toContain('Node "Load data" (a), property "outputs": entry 1 ("../up.csv") contains a ".." segment');
  });

  it('compiles anyway with --skip-file-check', () => {
    const { dir } = twoNodes();
    fs.rmSync(path.join(dir, 'flows/train.ipynb'));
    expect(cli(['compile', 'flows/demo.pipeline', '--skip-file-check', ...STORAGE_ARGS], { cwd: dir }).code).toBe(0);
  });

  it('reports machine-readable diagnostics with --json', () => {
    const { dir } = twoNodes();
    const result = cli(['compile', 'flows/demo.pipeline', '--json', '--param', 'n=many', ...STORAGE_ARGS], { cwd: dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ file: 'flows/demo.pipeline', valid: false, output: null });
    expect(report.diagnostics).toEqual([
      expect.objectContaining({ file: 'flows/demo.pipeline', severity: 'error', code: 'invalid-parameter-value', property: 'pipeline_parameters' })
    ]);
    const good = JSON.parse(cli(['compile', 'flows/demo.pipeline', '--json', ...STORAGE_ARGS], { cwd: dir }).stdout);
    expect(good.valid).toBe(true);
    expect(good.yaml).toContain('kind: PipelineRun');
  });

  it('warns about missing storage settings but still compiles', () => {
    const { dir } = twoNodes();
    const result = cli(['compile', 'flows/demo.pipeline'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^flows\/demo\.pipeline: warning: Option "storage": no object storage configured.*\[storage-defaults\]\n$/);
  });

  it('writes the run bundle with --bundle', () => {
    const { dir } = twoNodes();
    expect(cli(['compile', 'flows/demo.pipeline', '--bundle', 'run.json', ...STORAGE_ARGS], { cwd: dir }).code).toBe(0);
    const bundle = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    expect(Object.keys(bundle)).toEqual(['ir', 'uploads', 'pipeline_path', 'parameters']);
    expect(bundle.pipeline_path).toBe('flows/demo.pipeline');
    expect(bundle.ir.nodes.map((n: { taskName: string }) => n.taskName)).toEqual(['load-data', 'train']);
  });
});

describe('tekton-pipeline validate', () => {
  it('exits 0 and says so for a valid pipeline', () => {
    const { dir } = twoNodes();
    const result = cli(['validate', 'flows/demo.pipeline'], { cwd: dir });
    expect(result).toEqual({ code: 0, stdout: 'flows/demo.pipeline: valid (2 nodes)\n', stderr: '' });
  });

  it('uses the pipeline directory as root when the current directory does not hold it', () => {
    const { file } = twoNodes();
    const result = cli(['validate', file], { cwd: '/' });
    expect(result.code).toBe(0);
  });

  it('exits 1 naming file, node and property; --json lists the same problems', () => {
    const { dir, file } = twoNodes();
    const document = parsePipeline(fs.readFileSync(file, 'utf8')).document!;
    document.pipelines[0].nodes[1].app_data!.component_parameters!.cpu = -1;
    document.pipelines[0].nodes[0].app_data!.component_parameters!.timeout = '3h';
    fs.writeFileSync(file, serializePipeline(document));
    const text = cli(['validate', 'flows/demo.pipeline'], { cwd: dir });
    expect(text.code).toBe(1);
    const lines = text.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^flows\/demo\.pipeline: error: Node "Train" \(b\), property "cpu": .* \[invalid-resource\]$/);
    expect(lines[1]).toMatch(/^flows\/demo\.pipeline: error: Node "Load data" \(a\), property "timeout": 3h0m0s is longer than the pipeline timeout 1h0m0s.* \[timeout-exceeds-pipeline\]$/);
    const json = JSON.parse(cli(['validate', 'flows/demo.pipeline', '--json'], { cwd: dir }).stdout);
    expect(json.valid).toBe(false);
    expect(json.diagnostics.map((d: { nodeId: string; property: string }) => [d.nodeId, d.property])).toEqual([
      ['b', 'cpu'],
      ['a', 'timeout']
    ]);
    expect(cli(['validate', 'flows/demo.pipeline', '--timeout', '4h'], { cwd: dir }).stderr).not.toContain('timeout-exceeds');
  });

  it('reports a parse error with its position and exits 1', () => {
    const dir = project({ 'broken.pipeline': '{"doc_type": "pipeline",' });
    const result = cli(['validate', 'broken.pipeline'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^broken\.pipeline: error: Invalid JSON at line 1, column \d+: .*\[invalid-json\]\n$/);
  });
});
