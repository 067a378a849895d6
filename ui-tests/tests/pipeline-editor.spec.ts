// The pipeline editor as a user meets it, in a real JupyterLab (issue 3's UI tests).
import * as fs from 'fs';
import * as path from 'path';
import { expect, test } from '../helpers/fixtures';
import { FIXTURES_DIR, linksOf, SELECTORS } from '../helpers/PipelineEditorHelper';

const IMAGE = 'quay.io/jupyter/scipy-notebook:2024-10-07';
/** The editor toolbar's problem counter (`data-count`); opens the problems list. */
const PROBLEMS_BUTTON = '[data-testid="toolbar-problems"]';
const PRODUCER_CONSUMER = 'producer-consumer.pipeline';
/** The fixture pipeline and the files its nodes refer to (setup.py lives outside, on purpose). */
const PRODUCER_CONSUMER_FILES = [
  PRODUCER_CONSUMER,
  'producer.ipynb',
  'consumer.ipynb',
  'create-source-files.py',
  'producer-script.py'
];

test.describe('pipeline editor', () => {
  test('create from the Launcher, drop two notebooks, link them, set an image, save, reload, reopen', async ({ page, editor, tmpPath }) => {
    await editor.uploadFixtures(['producer.ipynb', 'consumer.ipynb']);
    await page.filebrowser.refresh();

    const file = await editor.createFromLauncher();
    expect(file).toMatch(new RegExp(`^${tmpPath}/[^/]+\\.pipeline$`));
    // A new pipeline is empty, not wrong: the canvas says how to start, no problem counted
    // (once validation, 120 ms after a change, has had its chance).
    await expect(editor.editor.locator(SELECTORS.EMPTY_HINT)).toBeVisible();
    await page.waitForTimeout(500);
    await expect(page.locator(PROBLEMS_BUTTON)).toHaveAttribute('data-count', '0');

    const canvas = (await editor.canvas.boundingBox())!;
    await editor.dragFromFileBrowser('producer.ipynb', { x: 120, y: 140 });
    await expect(editor.nodes).toHaveCount(1);
    await editor.dragFromFileBrowser('consumer.ipynb', { x: 420, y: 300 });
    await expect(editor.nodes).toHaveCount(2);
    await expect(editor.editor.locator(SELECTORS.EMPTY_HINT)).toHaveCount(0);
    // Each node lands where it was dropped (its top-left corner at the pointer); soft, so
    // that a misplaced node still lets the rest of the story run.
    for (const [label, at] of [
      ['producer.ipynb', { x: 120, y: 140 }],
      ['consumer.ipynb', { x: 420, y: 300 }]
    ] as const) {
      const box = await editor.nodeBox(label);
      expect.soft(Math.abs(box.x - (canvas.x + at.x)), `${label} x`).toBeLessThan(40);
      expect.soft(Math.abs(box.y - (canvas.y + at.y)), `${label} y`).toBeLessThan(40);
    }

    await editor.connect('producer.ipynb', 'consumer.ipynb');
    await expect(editor.edges).toHaveCount(1);
    expect(await editor.renderedLinks()).toEqual(['producer.ipynb → consumer.ipynb']);

    await editor.setRuntimeImage('consumer.ipynb', IMAGE);
    await expect(editor.currentTab).toHaveClass(/jp-mod-dirty/);
    await editor.save();

    // The file on disk holds both nodes, the link and the image.
    const saved = await editor.readPipeline(file);
    expect(saved.doc_type).toBe('pipeline');
    const nodes = saved.pipelines[0].nodes;
    expect(nodes.map(n => n.app_data.label).sort()).toEqual(['consumer.ipynb', 'producer.ipynb']);
    expect(nodes.map(n => n.app_data.component_parameters?.filename).sort()).toEqual([
      'consumer.ipynb',
      'producer.ipynb'
    ]);
    expect(linksOf(saved)).toEqual(['producer.ipynb → consumer.ipynb']);
    const consumer = nodes.find(n => n.app_data.label === 'consumer.ipynb')!;
    expect(consumer.app_data.component_parameters?.runtime_image).toBe(IMAGE);

    // A fresh page: reopen the file, everything is still there.
    await editor.reloadWithEmptyWorkspace();
    await editor.openPipeline(file, { nodes: 2, links: 1 });
    expect(await editor.renderedLinks()).toEqual(['producer.ipynb → consumer.ipynb']);
    await editor.selectNode('consumer.ipynb');
    await expect(editor.nodeField('runtime_image')).toHaveValue(IMAGE);
    // The properties' inputs are labelled: found by role and name, as a screen reader does.
    await expect(editor.properties.getByRole('textbox', { name: 'Runtime image' })).toHaveValue(IMAGE);
  });

  test('opens producer-consumer.pipeline from the Elyra fixtures with its nodes and links', async ({ page, editor, tmpPath }) => {
    await editor.uploadFixtures(PRODUCER_CONSUMER_FILES);
    const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, PRODUCER_CONSUMER), 'utf-8'));
    const expectedLabels: string[] = fixture.pipelines[0].nodes.map((n: any) => n.app_data.label).sort();
    const expectedLinks = linksOf(fixture);
    expect(expectedLinks.length).toBeGreaterThan(0);

    await editor.openPipeline(`${tmpPath}/${PRODUCER_CONSUMER}`, {
      nodes: expectedLabels.length,
      links: expectedLinks.length
    });
    expect((await editor.nodes.locator(SELECTORS.NODE_LABEL).allTextContents()).sort()).toEqual(expectedLabels);
    expect(await editor.renderedLinks()).toEqual(expectedLinks);
    // Opening is not editing.
    await expect(editor.currentTab).not.toHaveClass(/jp-mod-dirty/);
  });

  test('refuses a cycle, a duplicate link and a self-link, with visible feedback, and changes nothing', async ({ page, editor, tmpPath }) => {
    await editor.uploadFixtures(PRODUCER_CONSUMER_FILES);
    const file = `${tmpPath}/${PRODUCER_CONSUMER}`;
    const before = await editor.readFile(file);
    const links = linksOf(JSON.parse(before));
    expect(links).toContain('producer.ipynb → consumer.ipynb');

    await editor.openPipeline(file, { nodes: 5, links: links.length });
    await editor.connect('consumer.ipynb', 'producer.ipynb');

    await expect(editor.toast(/cycle/i)).toBeVisible();
    await editor.connect('producer.ipynb', 'consumer.ipynb');
    await expect(editor.toast(/already linked/i)).toBeVisible();
    await editor.connect('consumer.ipynb', 'consumer.ipynb');
    await expect(editor.toast(/itself/i)).toBeVisible();

    await expect(editor.edges).toHaveCount(links.length);
    expect(await editor.renderedLinks()).toEqual(links);
    await expect(editor.currentTab).not.toHaveClass(/jp-mod-dirty/);
    expect(await editor.readFile(file)).toBe(before);
  });

  for (const [name, text, message] of [
    ['not-json.pipeline', '{"doc_type": "pipeline", "version": "3.0", "pipelines": [', /JSON/i],
    [
      'wrong-doc-type.pipeline',
      JSON.stringify({ doc_type: 'notebook', version: '3.0', primary_pipeline: 'p', pipelines: [] }),
      /doc_type/
    ]
  ] as const) {
    test(`a malformed file (${name}) shows the error view and is left untouched`, async ({ page, editor, tmpPath }) => {
        await editor.writeFile(name, text);
      await page.filebrowser.refresh();

      await editor.open(`${tmpPath}/${name}`);
      await expect(editor.errorView).toBeVisible();
      await expect(editor.errorView.locator(SELECTORS.ERROR_ITEM).first()).toContainText(message);
      await expect(editor.canvas).toHaveCount(0);
      await expect(editor.currentTab).not.toHaveClass(/jp-mod-dirty/);
      expect(await editor.readFile(`${tmpPath}/${name}`)).toBe(text);

      // "Open as text" opens the raw file in the text editor.
      await editor.errorView.locator(SELECTORS.OPEN_AS_TEXT).click();
      await expect(page.locator('.jp-FileEditor').filter({ visible: true })).toBeVisible();
      expect(await editor.currentPath()).toBe(`${tmpPath}/${name}`);
    });
  }
});

test.describe('pipeline editor screenshots', () => {
  test('light and dark theme', async ({ page, editor, tmpPath }, testInfo) => {
    await editor.uploadFixtures(PRODUCER_CONSUMER_FILES);
    await editor.writeFile('broken.pipeline', '{ "doc_type": ');
    await page.filebrowser.refresh();

    await editor.openPipeline(`${tmpPath}/${PRODUCER_CONSUMER}`, { nodes: 5, links: 5 });
    await editor.selectNode('producer.ipynb');
    await editor.assertSnapshot('producer-consumer', testInfo);
    await page.theme.setDarkTheme();
    await editor.assertSnapshot('producer-consumer', testInfo);

    // Warnings beside the errors (two nodes with one label), in the problems list too.
    await editor.selectNode('producer-script.py');
    const label = editor.properties.getByRole('textbox', { name: 'Label' });
    await label.fill('consumer.ipynb');
    await label.press('Tab');
    await expect(editor.editor.locator(`${SELECTORS.NODE_PROBLEMS}.jp-mod-warning`)).toHaveCount(2);
    await page.locator(PROBLEMS_BUTTON).click();
    const problems = editor.editor.locator('[data-testid="pipeline-problems"]');
    await expect(problems.locator('.jp-mod-warning')).toHaveCount(2);
    await expect(problems.locator('.jp-mod-error').first()).toBeVisible();
    await editor.assertSnapshot('problems', testInfo);
    await page.theme.setLightTheme();
    await editor.assertSnapshot('problems', testInfo);
    await page.theme.setDarkTheme();

    await editor.open(`${tmpPath}/broken.pipeline`);
    await expect(editor.errorView).toBeVisible();
    await editor.assertSnapshot('error-view', testInfo);
    await page.theme.setLightTheme();
    await editor.assertSnapshot('error-view', testInfo);
  });
});
