// Infrastructure check that does not depend on the editor UI: JupyterLab starts in
// Debian's Chromium, and the browser received this repository's labextension.
import { expect, test } from '@jupyterlab/galata';

const EXTENSION = 'jupyterlab-tekton';

test('JupyterLab loads with the jupyterlab-tekton labextension enabled', async ({
  page
}) => {
  // Load once more while listening, so that an error thrown by a plugin at start fails.
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(error.stack ?? String(error)));
  await page.reload();
  await expect(page.locator('#jp-main-dock-panel')).toBeVisible();

  const config = await page.evaluate(() =>
    JSON.parse(document.getElementById('jupyter-config-data')!.textContent!)
  );
  const names = (config.federated_extensions as { name: string }[]).map(e => e.name);
  expect(names).toContain(EXTENSION);
  expect(config.disabledExtensions ?? []).not.toContain(EXTENSION);

  // The federated bundle was actually fetched and executed by the page.
  const loaded = await page.evaluate(
    name =>
      performance
        .getEntriesByType('resource')
        .some(r => r.name.includes(`/lab/extensions/${name}/static/remoteEntry.`)),
    EXTENSION
  );
  expect(loaded).toBe(true);
  expect(errors).toEqual([]);
});
