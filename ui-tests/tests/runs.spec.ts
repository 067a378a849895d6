// Issue 6: a local run of notebooks and a script that pass files along (declared outputs),
// followed on the canvas and in the Runs panel (node logs, executed notebooks); a failing
// node fails the run and skips what depends on it.
import { expect, test } from '../helpers/fixtures';
import { notebookText } from '../helpers/pipelines';
import { IRunNodeSpec, RunRow, runPipelineText, uniqueSuffix } from '../helpers/RunsHelper';

const IMAGE = 'python:3.12-slim';

/** produce.ipynb writes numbers.txt → total.py sums it into total.txt → report.ipynb prints it. */
const CHAIN_FILES: Record<string, string> = {
  'produce.ipynb': notebookText([
    'numbers = [10, 20, 30]\nwith open("numbers.txt", "w") as f:\n    f.write("\\n".join(map(str, numbers)))',
    'print("produced", len(numbers), "numbers")'
  ]),
  'total.py': [
    'from pathlib import Path',
    '',
    'numbers = [int(line) for line in Path("numbers.txt").read_text().split()]',
    'Path("total.txt").write_text(str(sum(numbers)))',
    'print("script total is", sum(numbers))',
    ''
  ].join('\n'),
  'report.ipynb': notebookText([
    'from pathlib import Path\ntotal = int(Path("total.txt").read_text())',
    'print(f"report: the total is {total}")'
  ])
};

const CHAIN: IRunNodeSpec[] = [
  { id: 'produce', filename: 'produce.ipynb', x: 40, y: 120, outputs: ['numbers.txt'], runtimeImage: IMAGE },
  { id: 'total', filename: 'total.py', x: 320, y: 120, after: ['produce'], outputs: ['total.txt'], runtimeImage: IMAGE },
  { id: 'report', filename: 'report.ipynb', x: 600, y: 120, after: ['total'], runtimeImage: IMAGE }
];

/** check.ipynb raises → after.ipynb is skipped; side.ipynb (independent) still succeeds. */
const FAILING_FILES: Record<string, string> = {
  'check.ipynb': notebookText(['print("checking")', 'raise ValueError("numbers do not add up")']),
  'after.ipynb': notebookText(['print("must never run")']),
  'side.ipynb': notebookText(['print("side branch ran")'])
};

const FAILING: IRunNodeSpec[] = [
  { id: 'check', filename: 'check.ipynb', x: 40, y: 60, runtimeImage: IMAGE },
  { id: 'after', filename: 'after.ipynb', x: 320, y: 60, after: ['check'], runtimeImage: IMAGE },
  { id: 'side', filename: 'side.ipynb', x: 40, y: 240, runtimeImage: IMAGE }
];

test.describe('runs', () => {
  // Kernels on a shared 2-core machine take a few seconds each.
  test.setTimeout(240_000);

  test('a notebook → script → notebook chain passes its outputs along; logs and executed notebooks open', async ({
    page,
    editor,
    tmpPath
  }) => {
    const name = `chain-${uniqueSuffix()}`;
    for (const [file, text] of Object.entries(CHAIN_FILES)) {
      await editor.writeFile(file, text);
    }
    await editor.writeFile(`${name}.pipeline`, runPipelineText(name, CHAIN));
    await page.filebrowser.refresh();
    await editor.openPipeline(`${tmpPath}/${name}.pipeline`, { nodes: 3, links: 2 });

    await editor.run();
    for (const node of CHAIN) {
      await expect(editor.nodeRunState(node.filename)).toHaveAttribute('data-status', 'succeeded', {
        timeout: 180_000
      });
    }

    await editor.openRunsPanel();
    const rows = editor.runRows(name);
    await expect(rows).toHaveCount(1);
    await expect(rows).toHaveAttribute('data-status', 'succeeded');
    await expect(rows).toHaveAttribute('data-backend', 'local');
    const run = new RunRow(page, rows);
    await run.expand();
    await expect(run.nodes).toHaveCount(3);
    for (const node of CHAIN) {
      await expect(run.node(node.id)).toHaveAttribute('data-status', 'succeeded');
    }

    // Each log shows what the node printed: the script read the notebook's file, the last
    // notebook read the script's.
    expect(await run.readLog('produce')).toContain('produced 3 numbers');
    expect(await run.readLog('total')).toContain('script total is 60');
    expect(await run.readLog('report')).toContain('report: the total is 60');

    // A script has no executed notebook; the notebooks do, and it shows their output.
    await expect(run.node('total').locator('[data-testid="run-node-open-notebook"]')).toHaveCount(0);
    const notebook = await run.openNotebook('report');
    await expect(notebook.locator('.jp-OutputArea-output')).toContainText('report: the total is 60');
    const opened = await editor.currentPath();
    expect(opened).toMatch(/report\.ipynb$/);
    expect(opened).not.toBe(`${tmpPath}/report.ipynb`);
    // The source notebook was not executed in place.
    expect(await editor.readFile(`${tmpPath}/report.ipynb`)).toBe(CHAIN_FILES['report.ipynb']);
  });

  test('a notebook that raises fails, its downstream node is skipped, the other branch succeeds', async ({
    page,
    editor,
    tmpPath
  }) => {
    const name = `failing-${uniqueSuffix()}`;
    for (const [file, text] of Object.entries(FAILING_FILES)) {
      await editor.writeFile(file, text);
    }
    await editor.writeFile(`${name}.pipeline`, runPipelineText(name, FAILING));
    await page.filebrowser.refresh();
    await editor.openPipeline(`${tmpPath}/${name}.pipeline`, { nodes: 3, links: 1 });

    await editor.run();
    const expected: Record<string, string> = { 'check.ipynb': 'failed', 'after.ipynb': 'skipped', 'side.ipynb': 'succeeded' };
    for (const [label, status] of Object.entries(expected)) {
      await expect(editor.nodeRunState(label)).toHaveAttribute('data-status', status, { timeout: 180_000 });
    }

    await editor.openRunsPanel();
    const rows = editor.runRows(name);
    await expect(rows).toHaveCount(1);
    await expect(rows).toHaveAttribute('data-status', 'failed');
    const run = new RunRow(page, rows);
    await run.expand();
    await expect(run.node('check')).toHaveAttribute('data-status', 'failed');
    await expect(run.node('after')).toHaveAttribute('data-status', 'skipped');
    await expect(run.node('side')).toHaveAttribute('data-status', 'succeeded');
    // The skipped node says why, and never started (no log, no notebook).
    await expect(run.node('after')).toContainText('check');
    await expect(run.node('after').locator('[data-testid="run-node-log-toggle"]')).toHaveCount(0);
    await expect(run.node('after').locator('[data-testid="run-node-open-notebook"]')).toHaveCount(0);

    const log = await run.readLog('check');
    expect(log).toContain('checking');
    expect(log).toContain('numbers do not add up');

    // The executed copy of the failing notebook shows the error where it happened.
    const notebook = await run.openNotebook('check');
    await expect(notebook.locator('.jp-OutputArea-output').filter({ hasText: 'numbers do not add up' })).not.toHaveCount(0);
  });
});
