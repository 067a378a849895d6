// Issue 7: create a runtime configuration in the UI, submit a pipeline to the test cluster
// (real kube-apiserver + Tekton controller + kwok, see tools/testcluster/README.md) with
// uploads to a real MinIO, and follow the run in the Runs panel until it succeeded; then open
// its executed notebook from object storage and download it.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect, test } from '../helpers/fixtures';
import { notebookText } from '../helpers/pipelines';
import { IRunNodeSpec, RunRow, runPipelineText, uniqueSuffix } from '../helpers/RunsHelper';

const REPO = path.resolve(__dirname, '..', '..');
const NAMESPACE_SCRIPT = path.resolve(__dirname, '..', 'fixtures', 'runs', 'namespace.py');
const BASE_URL = `http://127.0.0.1:${process.env.TEKTON_UI_TEST_PORT || '8888'}`;
const DASHBOARD = 'https://dashboard.example.test/tekton/';

interface IInfra {
  kubeconfig: string;
  namespace: string;
  clusterStartedHere: boolean;
  minioState: string;
  s3: Record<string, string>;
  configName: string;
}

let infra: IInfra | null = null;

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000): string {
  return execFileSync(cmd, args, {
    cwd: REPO,
    env: { ...process.env, ...env },
    encoding: 'utf-8',
    timeout,
    stdio: ['ignore', 'pipe', 'pipe']
  });
}

function testcluster(command: string): string {
  return sh(path.join(REPO, 'scripts', 'testcluster'), [command], {}, 300_000);
}

/** `export A=b` lines → { A: 'b' }. */
function exportsOf(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^export (\w+)=(.*)$/gm)) {
    env[m[1]] = m[2];
  }
  return env;
}

const NODES: IRunNodeSpec[] = [
  { id: 'prepare', filename: 'prepare.ipynb', x: 40, y: 120, outputs: ['data.txt'], runtimeImage: 'python:3.12-slim' },
  { id: 'train', filename: 'train.ipynb', x: 320, y: 120, after: ['prepare'], runtimeImage: 'python:3.12-slim' }
];

test.describe('submit to Tekton', () => {
  test.beforeAll(async () => {
    // Building the cluster from scratch takes far longer; here it is only started.
    test.setTimeout(300_000);
    let clusterStartedHere = false;
    try {
      testcluster('status');
    } catch {
      testcluster('up');
      clusterStartedHere = true;
    }
    const kubeconfig = exportsOf(testcluster('env')).KUBECONFIG;
    const namespace = `ui-submit-${uniqueSuffix()}`;
    sh('python3', [NAMESPACE_SCRIPT, kubeconfig, 'create', namespace]);
    // A MinIO of our own (fresh state dir, free port), stopped and purged in afterAll.
    const minioState = fs.mkdtempSync(path.join(os.tmpdir(), 'tekton-ui-minio-'));
    const s3 = exportsOf(
      sh('sh', [path.join(REPO, 'scripts', 'minio'), 'start'], { MINIO_STATE_DIR: minioState }, 600_000)
    );
    infra = { kubeconfig, namespace, clusterStartedHere, minioState, s3, configName: `ui-${uniqueSuffix()}` };
  });

  test.afterAll(async () => {
    if (!infra) {
      return;
    }
    // The server keeps runtime configurations in the user's Jupyter data dir: remove ours.
    await fetch(`${BASE_URL}/tekton/runtime-configs/${infra.configName}`, { method: 'DELETE' }).catch(() => undefined);
    sh('python3', [NAMESPACE_SCRIPT, infra.kubeconfig, 'delete', infra.namespace]);
    sh('sh', [path.join(REPO, 'scripts', 'minio'), 'stop', '--purge'], { MINIO_STATE_DIR: infra.minioState });
    if (infra.clusterStartedHere) {
      testcluster('down');
    }
  });

  test.setTimeout(240_000);

  test('a runtime configuration made in the UI submits the pipeline; the run succeeds in the Runs panel', async ({
    page,
    editor,
    tmpPath
  }) => {
    const { kubeconfig, namespace, s3, configName } = infra!;

    // 1. A runtime configuration, through the right sidebar's form.
    await page.sidebar.openTab('jp-tekton-runtime-configs');
    const panel = page.locator('[data-testid="runtime-configs"]');
    await expect(panel).toBeVisible();
    await panel.locator('[data-testid="runtime-config-new"]').click();
    const form = page.locator('[data-testid="runtime-config-form"]');
    await expect(form).toBeVisible();
    const field = (name: string) => form.locator(`#jp-tekton-runtime-config_${name}`);
    const values: Record<string, string> = {
      name: configName,
      display_name: `UI test ${configName}`,
      kubeconfig,
      namespace,
      service_account: 'default',
      // As the (kwok) pods would reach it, and as this server does.
      storage_endpoint: 'http://minio.minio.svc:9000',
      storage_server_endpoint: s3.TEKTON_S3_ENDPOINT,
      bucket: s3.TEKTON_S3_BUCKET,
      storage_secret_name: 'object-storage',
      default_runtime_image: 'python:3.12-slim',
      transfer_image: 'minio/mc:latest',
      dashboard_url: DASHBOARD
    };
    for (const [name, value] of Object.entries(values)) {
      await field(name).fill(value);
    }
    await field('credentials_mode').selectOption('keys');
    await field('access_key_id').fill(s3.AWS_ACCESS_KEY_ID);
    await field('secret_access_key').fill(s3.AWS_SECRET_ACCESS_KEY);
    await form.locator('[data-testid="runtime-config-save"]').click();
    await expect(form).toHaveCount(0);
    const item = panel.locator(`[data-testid="runtime-config-item"][data-name="${configName}"]`);
    await expect(item).toBeVisible();
    // The keys are stored, never shown (nor sent back by the server).
    await expect(item.locator('[data-testid="runtime-config-keys"]')).toHaveText('stored: set');
    await expect(item).not.toContainText(s3.AWS_SECRET_ACCESS_KEY);
    const described = await page.request.get(`/tekton/runtime-configs/${configName}`);
    expect(described.ok()).toBe(true);
    expect(await described.text()).not.toContain(s3.AWS_SECRET_ACCESS_KEY);

    // 2. A pipeline, opened, its configuration picked, submitted.
    const name = `submit-${uniqueSuffix()}`;
    await editor.writeFile(
      'prepare.ipynb',
      notebookText(['from pathlib import Path\nPath("data.txt").write_text("1 2 3")'])
    );
    await editor.writeFile('train.ipynb', notebookText(['print(open("data.txt").read())']));
    await editor.writeFile(`${name}.pipeline`, runPipelineText(name, NODES));
    await page.filebrowser.refresh();
    await editor.openPipeline(`${tmpPath}/${name}.pipeline`, { nodes: 2, links: 1 });
    const picker = page.locator('select[data-testid="runtime-config-picker"]').filter({ visible: true });
    await picker.selectOption(configName);
    const submit = page.locator('.jp-Toolbar-item[data-jp-item-name="submit"]').filter({ visible: true });
    await submit.click();
    await expect(editor.toast(/Submitted .* to namespace/)).toBeVisible({ timeout: 60_000 });

    // 3. The run in the Runs panel: a Tekton run that kwok's pods carry to succeeded.
    await editor.openRunsPanel();
    const rows = editor.runRows(name).and(page.locator('[data-backend="tekton"]'));
    await expect(rows).toHaveCount(1, { timeout: 30_000 });
    await expect(rows).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });
    const run = new RunRow(page, rows);
    await run.expand();
    for (const node of NODES) {
      await expect(run.node(node.id)).toHaveAttribute('data-status', 'succeeded');
    }
    const dashboard = rows.locator('[data-testid="run-dashboard-link"]');
    await expect(dashboard).toHaveAttribute('href', new RegExp(`^${DASHBOARD.replace(/[.]/g, '\\.')}.*${namespace}`));

    // 4. The executed notebook, from object storage. kwok runs no script, so the save step's
    // file is put where that step would put it (the node's notebook_uri), then copied into the
    // run folder and opened with the node's button, and downloaded through its link.
    const runId = (await rows.getAttribute('data-run-id'))!;
    const detail = await (await page.request.get(`/tekton/runs/tekton/${configName}/${runId}`)).json();
    const prepare = detail.nodes.find((n: { id: string }) => n.id === 'prepare');
    const uri = new URL(prepare.notebook_uri.replace(/^s3:/, 'http:'));
    expect(uri.host).toBe(s3.TEKTON_S3_BUCKET);
    const executed = notebookText(['print("executed in the cluster")']);
    sh(
      'python3',
      [
        '-c',
        'import boto3, sys; boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")' +
          '.put_object(Bucket=sys.argv[2], Key=sys.argv[3], Body=sys.argv[4].encode())',
        s3.TEKTON_S3_ENDPOINT,
        s3.TEKTON_S3_BUCKET,
        uri.pathname.slice(1),
        executed
      ],
      { AWS_ACCESS_KEY_ID: s3.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: s3.AWS_SECRET_ACCESS_KEY }
    );
    const node = run.node('prepare');
    await node.locator('[data-testid="run-node-fetch"]').click();
    const notebook = page.locator('.jp-NotebookPanel').filter({ visible: true });
    await expect(notebook).toHaveCount(1, { timeout: 30_000 });
    await expect(notebook).toContainText('executed in the cluster');
    await expect(page.locator('.lm-TabBar-tab.lm-mod-current').filter({ hasText: 'prepare.ipynb' })).toHaveCount(1);
    const href = (await node.locator('[data-testid="run-node-download"]').getAttribute('href'))!;
    expect(href).toContain(`/tekton/runs/tekton/${configName}/${runId}/artifacts/${prepare.task_name}/prepare.ipynb`);
    const downloaded = await page.request.get(href);
    expect(downloaded.status()).toBe(200);
    expect(downloaded.headers()['content-disposition']).toMatch(/^attachment; filename="prepare\.ipynb"/);
    expect(await downloaded.text()).toBe(executed);
  });
});
