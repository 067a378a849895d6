// Issue 6: a pipeline runs locally on real kernels and its progress shows on the canvas
// and in the Runs panel.
import { expect, test } from '../helpers/fixtures';
import { notebookText, pipelineText } from '../helpers/pipelines';

const PIPELINE = 'three-steps';
/** A → B, A → C: B and C can run in parallel once A succeeded. */
const NOTEBOOKS: Record<string, string[]> = {
  'step_a.ipynb': ['import platform\nprint("step A on", platform.python_version())'],
  'step_b.ipynb': ['print("step B says", 6 * 7)'],
  'step_c.ipynb': ['print("step C done")']
};

test.describe('local run', () => {
  // Three kernels on a shared 2-core machine.
  test.setTimeout(240_000);

  test('Run turns every node succeeded, lists the run, and opens a node’s executed notebook', async ({
    page,
    editor,
    tmpPath
  }, testInfo) => {
    for (const [name, cells] of Object.entries(NOTEBOOKS)) {
      await editor.writeFile(name, notebookText(cells));
    }
    await editor.writeFile(
      `${PIPELINE}.pipeline`,
      pipelineText(PIPELINE, [
        { id: 'a', filename: 'step_a.ipynb', x: 60, y: 120 },
        { id: 'b', filename: 'step_b.ipynb', x: 360, y: 40, after: ['a'] },
        { id: 'c', filename: 'step_c.ipynb', x: 360, y: 200, after: ['a'] }
      ])
    );
    const sourceB = await editor.readFile(`${tmpPath}/step_b.ipynb`);
    await page.filebrowser.refresh();
    await editor.openPipeline(`${tmpPath}/${PIPELINE}.pipeline`, { nodes: 3, links: 2 });

    await editor.run();
    for (const label of Object.keys(NOTEBOOKS)) {
      await expect(editor.nodeRunState(label)).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });
    }

    await editor.openRunsPanel();
    const row = editor.runRows(PIPELINE).first();
    await expect(row).toHaveAttribute('data-status', 'succeeded');
    await row.locator('.jp-tekton-RunsPanel-summary').click();
    const nodes = row.locator('[data-testid="run-node"]');
    await expect(nodes).toHaveCount(3);
    for (const node of await nodes.all()) {
      await expect(node).toHaveAttribute('data-status', 'succeeded');
    }
    await editor.assertSnapshot('local-run', testInfo);

    // The executed copy of B opens, with B's output; the source notebook is untouched.
    await row.locator('[data-testid="run-node"][data-node-id="b"] [data-testid="run-node-open-notebook"]').click();
    const notebook = page.locator('.jp-NotebookPanel').filter({ visible: true });
    await expect(notebook.locator('.jp-OutputArea-output')).toContainText('step B says 42');
    const openedPath = await editor.currentPath();
    expect(openedPath).toMatch(/step_b\.ipynb$/);
    expect(openedPath).not.toBe(`${tmpPath}/step_b.ipynb`);
    expect(await editor.readFile(`${tmpPath}/step_b.ipynb`)).toBe(sourceB);
  });
});
