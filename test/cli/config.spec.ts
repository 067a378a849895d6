/**
 * `tekton-pipeline config …` end to end: the bundled CLI runs the real Python side
 * (`python -m jupyterlab_tekton config`, this checkout on PYTHONPATH) against a temporary
 * Jupyter data dir, as JupyterLab's server would read it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cleanup, cliBundle, project } from './helpers';

afterAll(cleanup);

const REPO = path.resolve(__dirname, '../..');
const SECRET = 'cli-test-secret-never-printed';
const ACCESS = 'cli-test-access-never-printed';

function setup() {
  const dir = project({ 'data/.keep': '' });
  const env = {
    ...process.env,
    PYTHONPATH: REPO,
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    TEKTON_PIPELINE_PYTHON: 'python3',
    TEST_SECRET: SECRET,
    VISUAL: '',
    EDITOR: ''
  };
  const configDir = path.join(dir, 'data', 'tekton', 'runtime-configs');
  const run = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) => {
    const result = spawnSync(process.execPath, [cliBundle(), 'config', ...args], {
      cwd: dir,
      env: { ...env, ...options.env },
      input: options.input ?? '',
      encoding: 'utf8',
      timeout: 60000
    });
    const out = { code: result.status, stdout: result.stdout, stderr: result.stderr };
    // No command ever prints a secret, whatever it is asked.
    expect(out.stdout + out.stderr).not.toContain(SECRET);
    expect(out.stdout + out.stderr).not.toContain(ACCESS);
    return out;
  };
  const stored = (name: string) => JSON.parse(fs.readFileSync(path.join(configDir, `${name}.json`), 'utf8'));
  return { dir, run, configDir, stored };
}

const CREATE = [
  '--set', 'display_name=Team cluster',
  '--set', 'namespace=team-ml',
  '--set', 'storage-endpoint=http://minio.minio:9000',
  '--set', 'bucket=notebooks',
  '--set', 'storage_secret_name=object-storage',
  '--set', 'credentials_mode=keys',
  '--set', `access_key_id=${ACCESS}`,
  '--from-env', 'secret_access_key=TEST_SECRET'
];

describe('tekton-pipeline config', () => {
  it('creates, lists, shows, edits and deletes, keeping secrets in a 0600 file only', () => {
    const { run, configDir, stored } = setup();
    expect(run(['list'])).toMatchObject({ code: 0, stdout: '' });

    const created = run(['create', 'team', ...CREATE, '--json']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'team',
      namespace: 'team-ml',
      bucket: 'notebooks',
      credentials_mode: 'keys',
      has_access_key_id: true,
      has_secret_key: true
    });
    const file = path.join(configDir, 'team.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(configDir).mode & 0o777).toBe(0o700);
    expect(stored('team')).toMatchObject({ access_key_id: ACCESS, secret_access_key: SECRET });
    // No temp file left beside it (written by rename).
    expect(fs.readdirSync(configDir)).toEqual(['team.json']);

    const listed = run(['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^NAME +KUBERNETES +NAMESPACE +BUCKET +DISPLAY NAME\nteam +\(current context\) +team-ml +notebooks +Team cluster\n$/);
    expect(JSON.parse(run(['list', '--json']).stdout).runtime_configs.map((c: { name: string }) => c.name)).toEqual(['team']);

    const shown = run(['show', 'team']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^name +team\n/);
    expect(shown.stdout).toMatch(/\nhas_secret_key +set \(not shown\)\n/);
    expect(JSON.parse(run(['get', 'team']).stdout).storage_endpoint).toBe('http://minio.minio:9000');

    // edit --set changes one field; secrets stay as stored.
    const edited = run(['edit', 'team', '--set', 'namespace=team-b', '--unset', 'display_name', '--json']);
    expect(edited.code).toBe(0);
    expect(JSON.parse(edited.stdout)).toMatchObject({ namespace: 'team-b', display_name: '', bucket: 'notebooks', has_secret_key: true });
    expect(stored('team').secret_access_key).toBe(SECRET);

    // `show --json` output can be fed back through --from-file (stdin here).
    const exported = JSON.parse(run(['show', 'team', '--json']).stdout);
    const fed = run(['edit', 'team', '--from-file', '-', '--json'], { input: JSON.stringify({ ...exported, region: 'eu-west-1' }) });
    expect(fed.code).toBe(0);
    expect(JSON.parse(fed.stdout)).toMatchObject({ region: 'eu-west-1', namespace: 'team-b', has_secret_key: true });

    expect(run(['delete', 'team'])).toMatchObject({ code: 0 });
    expect(fs.readdirSync(configDir)).toEqual([]);
    const gone = run(['show', 'team']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("no runtime configuration 'team'");
    expect(run(['delete', 'team']).code).toBe(1);
  });

  it('edits in $EDITOR: the JSON it sees has no secret; a bad edit changes nothing', () => {
    const { dir, run, stored } = setup();
    expect(run(['create', 'team', ...CREATE]).code).toBe(0);
    // An "editor" that records what it was given and sets a field.
    const editor = path.join(dir, 'editor.js');
    fs.writeFileSync(
      editor,
      `const fs = require('fs'); const file = process.argv[2];
       const value = JSON.parse(fs.readFileSync(file, 'utf8'));
       fs.writeFileSync(${JSON.stringify(path.join(dir, 'seen.json'))}, JSON.stringify({ value, mode: fs.statSync(file).mode & 0o777 }));
       value.transfer_image = process.env.NEW_IMAGE;
       fs.writeFileSync(file, process.env.BREAK ? '{not json' : JSON.stringify(value));`
    );
    const editorCommand = `${process.execPath} ${editor}`;
    const edited = run(['edit', 'team', '--json'], { env: { EDITOR: editorCommand, NEW_IMAGE: 'minio/mc:RELEASE.2025' } });
    expect(edited.code).toBe(0);
    expect(JSON.parse(edited.stdout).transfer_image).toBe('minio/mc:RELEASE.2025');
    const seen = JSON.parse(fs.readFileSync(path.join(dir, 'seen.json'), 'utf8'));
    expect(seen.mode).toBe(0o600);
    expect(seen.value).not.toHaveProperty('secret_access_key');
    expect(seen.value).not.toHaveProperty('name');
    expect(stored('team').secret_access_key).toBe(SECRET);

    const broken = run(['edit', 'team'], { env: { EDITOR: editorCommand, NEW_IMAGE: 'other', BREAK: '1' } });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('not valid JSON');
    expect(stored('team').transfer_image).toBe('minio/mc:RELEASE.2025');

    const noEditor = run(['edit', 'team']);
    expect(noEditor.code).toBe(2);
    expect(noEditor.stderr).toContain('$VISUAL/$EDITOR');
  });

  it.each([
    [['create', 'x', '--set', 'surprise=1'], "unknown field 'surprise'"],
    [['create', 'x', '--set', 'namespace=Not_A_Name'], "namespace 'Not_A_Name' is not a valid Kubernetes name"],
    [['create', 'x', '--set', 'credentials_mode=keys'], "credentials_mode 'keys' needs access_key_id and secret_access_key"],
    [['create', 'x', '--set', 'dashboard_url=javascript:alert(1)'], 'dashboard_url'],
    [['create', 'bad/name'], "name 'bad/name' must start with a letter or digit"],
    [['create', 'x', '--from-env', 'secret_access_key=NO_SUCH_VARIABLE_HERE'], 'NO_SUCH_VARIABLE_HERE is not set'],
    [['create', 'x', '--from-file', 'missing.json'], 'cannot read missing.json'],
    [['create'], 'the following arguments are required: name'],
    [['frobnicate'], 'unknown config command "frobnicate"']
  ])('%j → exit 2: %s', (args, message) => {
    const { run, configDir } = setup();
    const result = run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(fs.existsSync(configDir) ? fs.readdirSync(configDir) : []).toEqual([]);
  });

  it('refuses a second configuration of the same name', () => {
    const { run } = setup();
    expect(run(['create', 'dup']).code).toBe(0);
    const again = run(['create', 'dup']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("runtime configuration 'dup' already exists");
  });

  it('test: says what failed for the bucket and the cluster, exit 1', () => {
    const { dir, run } = setup();
    // Nothing listens on port 1; the kubeconfig file does not exist.
    expect(
      run([
        'create', 'down', ...CREATE,
        '--set', 'storage_server_endpoint=http://127.0.0.1:1',
        '--set', `kubeconfig=${path.join(dir, 'no-kubeconfig')}`
      ]).code
    ).toBe(0);
    const result = run(['test', 'down']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('object storage: FAILED - ');
    expect(result.stdout).toContain('http://127.0.0.1:1 is unreachable');
    expect(result.stdout).toContain(`kubernetes: FAILED - runtime configuration 'down': kubeconfig file ${path.join(dir, 'no-kubeconfig')} does not exist`);
    const json = JSON.parse(run(['test', 'down', '--json']).stdout);
    expect(json.storage.ok).toBe(false);
    expect(json.kubernetes.ok).toBe(false);
  });

  it('exits 3 when the Python interpreter cannot be started', () => {
    const { run } = setup();
    const result = run(['list'], { env: { TEKTON_PIPELINE_PYTHON: '/nonexistent/python' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot start /nonexistent/python');
  });

  it('prints its help', () => {
    const { run } = setup();
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: tekton-pipeline config COMMAND');
  });
});
