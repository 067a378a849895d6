/**
 * The hand-off of `run` and `submit` to Python (src/cli/README.md), checked against a
 * real Python process: a `jupyterlab_tekton` package placed first on PYTHONPATH that
 * records its arguments and stdin, as the contract's other side will receive them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compile } from '../../src/compiler';
import { parsePipeline, serializePipeline } from '../../src/model';
import { makeDocument } from '../compiler/generate';
import { cleanup, cli, NOTEBOOK, project } from './helpers';

afterAll(cleanup);

const RECORDER = `
import json, os, sys
args = sys.argv[1:]
record = os.environ["RECORD_DIR"]
if args[:2] == ["config", "get"]:
    with open(os.path.join(record, "config-get.json"), "w") as f:
        json.dump({"argv": args}, f)
    if os.environ.get("CONFIG_EXIT"):
        sys.stderr.write("no runtime configuration named %s\\n" % args[2])
        sys.exit(int(os.environ["CONFIG_EXIT"]))
    print(json.dumps({"name": args[2], "namespace": "team-ml", "bucket": "cfg-bucket",
                      "storage_endpoint": "http://s3.cfg:9000", "storage_secret_name": "cfg-secret",
                      "region": "", "service_account": "runner", "default_runtime_image": "python:3.12",
                      "transfer_image": None, "has_access_key_id": True}))
    sys.exit(0)
with open(os.path.join(record, args[0] + ".json"), "w") as f:
    json.dump({"argv": args, "stdin": json.load(sys.stdin)}, f)
print("recorded " + args[0])
sys.exit(int(os.environ.get("EXIT_CODE", "0")))
`;

function setup(runtimeImage = 'python:3.11') {
  const document = makeDocument(
    [
      { id: 'a', label: 'Load', filename: 'load.ipynb', properties: { outputs: ['x.csv'] } },
      { id: 'b', label: 'Use', filename: 'use.ipynb', parents: ['a'] }
    ],
    { name: 'handoff', defaults: { runtime_image: runtimeImage } }
  );
  const dir = project({
    'p/handoff.pipeline': serializePipeline(document),
    'p/load.ipynb': NOTEBOOK,
    'p/use.ipynb': NOTEBOOK,
    'fake-python/jupyterlab_tekton/__init__.py': '',
    'fake-python/jupyterlab_tekton/__main__.py': RECORDER,
    'record/.keep': ''
  });
  const env = { PYTHONPATH: path.join(dir, 'fake-python'), RECORD_DIR: path.join(dir, 'record'), TEKTON_PIPELINE_PYTHON: 'python3' };
  const read = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, 'record', name), 'utf8'));
  const recorded = (name: string) => fs.existsSync(path.join(dir, 'record', name));
  return { dir, env, read, recorded, document };
}

describe('tekton-pipeline run', () => {
  it('hands the compiled pipeline to `python -m jupyterlab_tekton run-local` on stdin', () => {
    const { dir, env, read } = setup();
    const result = cli(['run', 'p/handoff.pipeline', '--', '--parallelism', '2'], { cwd: dir, env: { ...env, EXIT_CODE: '0' } });
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: 'recorded run-local\n' });
    const { argv, stdin } = read('run-local.json');
    expect(argv).toEqual(['run-local', '--root', fs.realpathSync(dir), '--parallelism', '2']);
    const expected = compile(parsePipeline(fs.readFileSync(path.join(dir, 'p/handoff.pipeline'), 'utf8')).document!, {
      pipelinePath: 'p/handoff.pipeline',
      forLocalRun: true
    });
    expect(expected.ir).not.toBeNull();
    expect(stdin).toEqual({ ir: expected.ir, uploads: expected.uploads, pipeline_path: 'p/handoff.pipeline', parameters: {} });
  });

  it('runs nodes without a runtime image (a local run uses none)', () => {
    const { dir, env, read } = setup('');
    const result = cli(['run', 'p/handoff.pipeline'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('[missing-image]'); // a warning, as the model words it
    expect(result.stderr).not.toContain(': error:');
    expect(read('run-local.json').stdin.ir.nodes.map((n: { runtimeImage: string }) => n.runtimeImage)).toEqual(['', '']);
  });

  it("exits with the runner's code", () => {
    const { dir, env } = setup();
    expect(cli(['run', 'p/handoff.pipeline'], { cwd: dir, env: { ...env, EXIT_CODE: '5' } }).code).toBe(5);
  });

  it('does not start Python for an invalid pipeline', () => {
    const { dir, env, recorded } = setup();
    fs.rmSync(path.join(dir, 'p/use.ipynb'));
    const result = cli(['run', 'p/handoff.pipeline'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[missing-file]');
    expect(recorded('run-local.json')).toBe(false);
  });

  it('exits 3 when the Python interpreter cannot be started', () => {
    const { dir, env } = setup();
    const result = cli(['run', 'p/handoff.pipeline'], { cwd: dir, env: { ...env, TEKTON_PIPELINE_PYTHON: '/nonexistent/python' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot start /nonexistent/python');
  });
});

describe('tekton-pipeline submit', () => {
  it('compiles with the runtime configuration, then hands objects and uploads to `submit`', () => {
    const { dir, env, read } = setup('');
    const result = cli(['submit', 'p/handoff.pipeline', '--config', 'prod', '--bucket', 'override-bucket'], { cwd: dir, env });
    // The nodes have no image of their own: warned about, then taken from the configuration.
    expect(result.stderr).not.toContain(': error:');
    expect(result.stderr).toContain('[missing-image]');
    expect(result).toMatchObject({ code: 0, stdout: 'recorded submit\n' });
    expect(read('config-get.json').argv).toEqual(['config', 'get', 'prod']);
    const { argv, stdin } = read('submit.json');
    expect(argv).toEqual(['submit', '--config', 'prod', '--root', fs.realpathSync(dir)]);
    expect(Object.keys(stdin)).toEqual(['ir', 'uploads', 'pipeline_path', 'parameters', 'documents']);
    const [run] = stdin.documents;
    expect(run.metadata.namespace).toBe('team-ml');
    expect(run.spec.taskRunTemplate.serviceAccountName).toBe('runner');
    const shared = Object.fromEntries(run.spec.taskRunTemplate.podTemplate.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(shared).toMatchObject({ TEKTON_S3_BUCKET: 'override-bucket', TEKTON_S3_ENDPOINT: 'http://s3.cfg:9000' });
    expect(run.spec.pipelineSpec.tasks[0].taskSpec.steps[0].envFrom).toEqual([{ secretRef: { name: 'cfg-secret' } }]);
    // The configuration's default image fills in for nodes without one.
    expect(run.spec.pipelineSpec.tasks[0].taskSpec.steps[1].image).toBe('python:3.12');
  });

  it("passes on a failing `config get` and does not submit", () => {
    const { dir, env, recorded } = setup();
    const result = cli(['submit', 'p/handoff.pipeline', '--config', 'missing'], { cwd: dir, env: { ...env, CONFIG_EXIT: '4' } });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('no runtime configuration named missing');
    expect(recorded('submit.json')).toBe(false);
  });
});
