/**
 * Page object for the pipeline editor: what the specs need to find (SELECTORS, locator
 * getters) and what a user does (intent methods), so that the specs read like user stories.
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect, Locator, Page, TestInfo } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

/** Real Elyra files (read-only), next to the repository as `../shared/fixtures`. */
export const FIXTURES_DIR =
  process.env.TEKTON_FIXTURES_DIR ??
  path.resolve(__dirname, '..', '..', '..', 'shared', 'fixtures', 'elyra', 'cypress', 'fixtures', 'pipelines');

export enum SELECTORS {
  /** The editor (content of the document widget). */
  EDITOR = '.jp-tekton-PipelineEditor',
  CANVAS = '[data-testid="pipeline-canvas"]',
  NODE = '[data-testid="pipeline-node"]',
  NODE_LABEL = '[data-testid="node-label"]',
  NODE_INPUT = '[data-testid="node-input"]',
  NODE_OUTPUT = '[data-testid="node-output"]',
  NODE_PROBLEMS = '[data-testid="node-problems"]',
  /** React Flow's wrapper of a node; carries the node id in `data-id`. */
  FLOW_NODE = '.react-flow__node',
  /** Links between nodes (comment attachments are edges too, with their own class). */
  EDGE = '.react-flow__edge:not(.jp-tekton-PipelineEditor-commentLink)',
  EMPTY_HINT = '[data-testid="pipeline-empty-hint"]',
  ERROR_VIEW = '[data-testid="pipeline-error-view"]',
  ERROR_ITEM = '[data-testid="pipeline-error"]',
  OPEN_AS_TEXT = '[data-testid="pipeline-open-as-text"]',
  PROPERTIES = '[data-testid="pipeline-properties"]',
  NODE_TAB = '[data-testid="properties-tab-node"]',
  NODE_FORM = '[data-testid="node-form"]',
  LAUNCHER_CARD = '.jp-LauncherCard',
  LAUNCHER_LABEL = '.jp-LauncherCard-label',
  TOAST = '.Toastify__toast',
  NODE_RUN_STATE = '[data-testid="node-run-state"]',
  /** Toolbar buttons are `jp-button` elements carrying their command id. */
  RUN_BUTTON = '[data-command="tekton:run-local"]',
  RUNS_PANEL = '#jp-tekton-runs',
  RUN_ROW = '[data-testid="run-row"]',
  RUN_ROW_NAME = '.jp-tekton-RunsPanel-name',
  RUN_ROW_SUMMARY = '.jp-tekton-RunsPanel-summary',
  RUN_DETAIL = '[data-testid="run-detail"]',
  RUN_NODE = '[data-testid="run-node"]',
  RUN_NODE_NOTEBOOK = '[data-testid="run-node-open-notebook"]',
  /** Regions whose pixels change from run to run; masked in screenshots. */
  VOLATILE = '.jp-DirListing-itemModified, .jp-tekton-RunsPanel-time, .jp-tekton-RunsPanel-duration'
}

export interface IPoint {
  x: number;
  y: number;
}

export class PipelineEditorHelper {
  constructor(
    readonly page: IJupyterLabPageFixture,
    readonly tmpPath: string
  ) {}

  // ---- locators ----------------------------------------------------------------------

  /** The editor in the current (visible) main-area tab. */
  get editor(): Locator {
    return this.page.locator(SELECTORS.EDITOR).filter({ visible: true });
  }

  get canvas(): Locator {
    return this.editor.locator(SELECTORS.CANVAS);
  }

  get nodes(): Locator {
    return this.editor.locator(SELECTORS.NODE);
  }

  get edges(): Locator {
    return this.editor.locator(SELECTORS.EDGE);
  }

  get errorView(): Locator {
    return this.editor.locator(SELECTORS.ERROR_VIEW);
  }

  get properties(): Locator {
    return this.editor.locator(SELECTORS.PROPERTIES);
  }

  get launcherCard(): Locator {
    return this.page
      .locator(SELECTORS.LAUNCHER_CARD)
      .filter({ visible: true })
      .filter({ has: this.page.locator(SELECTORS.LAUNCHER_LABEL, { hasText: /^Pipeline Editor$/ }) });
  }

  /**
   * The selected node's input for `property` (a key of component_parameters, or `label`).
   * Found by rjsf's id (`<prefix>_<property>`), which follows the property key, not its
   * (translatable) title; the spec checks accessible names separately.
   */
  nodeField(property: string): Locator {
    return this.properties
      .locator(SELECTORS.NODE_FORM)
      .locator(`input[id$="_${property}"], textarea[id$="_${property}"], select[id$="_${property}"]`);
  }

  /** The node whose label is exactly `label`. */
  node(label: string): Locator {
    return this.nodes.filter({
      has: this.page.locator(SELECTORS.NODE_LABEL, { hasText: new RegExp(`^${escapeRegExp(label)}$`) })
    });
  }

  /** The run-state badge of the node labelled `label` (present once a run involves it). */
  nodeRunState(label: string): Locator {
    return this.node(label).locator(SELECTORS.NODE_RUN_STATE);
  }

  /** "Run" in the current editor's toolbar. */
  get runButton(): Locator {
    return this.page.locator(SELECTORS.RUN_BUTTON).filter({ visible: true });
  }

  get runsPanel(): Locator {
    return this.page.locator(SELECTORS.RUNS_PANEL);
  }

  /** Rows of the Runs panel for the pipeline named `name` (newest first). */
  runRows(name: string): Locator {
    return this.runsPanel
      .locator(SELECTORS.RUN_ROW)
      .filter({ has: this.page.locator(SELECTORS.RUN_ROW_NAME, { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
  }

  /** The file browser's entry for `name` (in the current folder). */
  fileItem(name: string): Locator {
    return this.page
      .getByRole('region', { name: 'File Browser Section' })
      .getByRole('listitem', { name: new RegExp(`^Name: ${escapeRegExp(name)}`) });
  }

  /** Notifications (toasts) whose text matches. */
  toast(text: string | RegExp): Locator {
    return this.page.locator(SELECTORS.TOAST).filter({ hasText: text });
  }

  /** The main-area tab of the current widget. */
  get currentTab(): Locator {
    return this.page.locator('#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current');
  }

  // ---- files -------------------------------------------------------------------------

  /** Copies fixture files into this test's folder on the server. */
  async uploadFixtures(names: string[], dir = FIXTURES_DIR): Promise<void> {
    for (const name of names) {
      const ok = await this.page.contents.uploadFile(path.join(dir, name), `${this.tmpPath}/${name}`);
      expect(ok, `upload ${name}`).toBe(true);
    }
  }

  /** Writes a text file into this test's folder. */
  async writeFile(name: string, text: string): Promise<void> {
    const ok = await this.page.contents.uploadContent(text, 'text', `${this.tmpPath}/${name}`);
    expect(ok, `write ${name}`).toBe(true);
  }

  /** The file's text as stored on the server (the contents API, not the page's state). */
  async readFile(filePath: string): Promise<string> {
    const url = `/api/contents/${filePath.split('/').map(encodeURIComponent).join('/')}?type=file&format=text&content=1`;
    const response = await this.page.request.get(url);
    expect(response.ok(), `GET ${url}: ${response.status()}`).toBe(true);
    return (await response.json()).content as string;
  }

  async readPipeline(filePath: string): Promise<IPipelineFile> {
    return JSON.parse(await this.readFile(filePath)) as IPipelineFile;
  }

  /** Server path of the document in the current main-area widget. */
  async currentPath(): Promise<string> {
    return this.page.evaluate(() => {
      const widget = (window as any).jupyterapp.shell.currentWidget;
      return widget?.context?.path ?? '';
    });
  }

  // ---- intents -----------------------------------------------------------------------

  /** Launcher → "Pipeline Editor"; returns the new file's path. */
  async createFromLauncher(): Promise<string> {
    await this.page.menu.clickMenuItem('File>New Launcher');
    await this.launcherCard.click();
    await this.waitForCanvas();
    await expect(this.editor.locator(SELECTORS.EMPTY_HINT)).toBeVisible();
    return this.currentPath();
  }

  /** Opens `filePath` by double-clicking it in the file browser (the default factory). */
  async open(filePath: string): Promise<void> {
    expect(await this.page.filebrowser.open(filePath), `open ${filePath}`).toBe(true);
  }

  /** Opens a pipeline and waits until its canvas shows `nodes` nodes. */
  async openPipeline(filePath: string, expected: { nodes: number; links: number }): Promise<void> {
    await this.open(filePath);
    await this.waitForCanvas();
    await expect(this.nodes).toHaveCount(expected.nodes);
    await expect(this.edges).toHaveCount(expected.links);
  }

  async waitForCanvas(): Promise<void> {
    await expect(this.canvas).toBeVisible();
  }

  /**
   * Drags `name` from the file browser onto the canvas at `position` (relative to the
   * canvas's top-left corner). The file browser starts a Lumino drag (not HTML5 drag and
   * drop) after a few pixels of mouse movement, so this uses real mouse moves.
   */
  async dragFromFileBrowser(name: string, position: IPoint): Promise<void> {
    await this.page.sidebar.openTab('filebrowser');
    const item = this.fileItem(name);
    await expect(item).toBeVisible();
    const from = await centre(item);
    const canvas = await this.canvas.boundingBox();
    if (!canvas) {
      throw new Error('the canvas is not visible');
    }
    const to = { x: canvas.x + position.x, y: canvas.y + position.y };
    const mouse = this.page.mouse;
    await mouse.move(from.x, from.y);
    await mouse.down();
    // Past Lumino's drag threshold (5 px) first, then across to the canvas.
    await mouse.move(from.x + 10, from.y + 4, { steps: 3 });
    await mouse.move(to.x, to.y, { steps: 20 });
    await mouse.move(to.x + 1, to.y + 1);
    await mouse.move(to.x, to.y);
    await mouse.up();
  }

  /** Drags from `fromLabel`'s output port to `toLabel`'s input port. */
  async connect(fromLabel: string, toLabel: string): Promise<void> {
    const from = await centre(this.node(fromLabel).locator(SELECTORS.NODE_OUTPUT));
    const target = this.node(toLabel).locator(SELECTORS.NODE_INPUT);
    const mouse = this.page.mouse;
    await mouse.move(from.x, from.y);
    await mouse.down();
    await mouse.move(from.x + 8, from.y + 8, { steps: 2 });
    // Measured now, not before the press: the canvas may auto-pan near its edges.
    const to = await centre(target);
    await mouse.move(to.x, to.y, { steps: 15 });
    await mouse.move(to.x + 1, to.y);
    await mouse.move(to.x, to.y);
    await mouse.up();
  }

  /** Selects the node (a click on its label) so the properties panel shows it. */
  async selectNode(label: string): Promise<void> {
    await this.node(label).locator(SELECTORS.NODE_LABEL).click();
    await expect(this.editor.locator(`${SELECTORS.FLOW_NODE}.selected`)).toHaveCount(1);
  }

  /** Selects the node and types `image` into its "Runtime image" property. */
  async setRuntimeImage(label: string, image: string): Promise<void> {
    await this.selectNode(label);
    const tab = this.properties.locator(SELECTORS.NODE_TAB);
    if ((await tab.getAttribute('aria-selected')) !== 'true') {
      await tab.click();
    }
    const field = this.nodeField('runtime_image');
    await field.fill(image);
    await field.press('Tab');
    await expect(field).toHaveValue(image);
  }

  /** Presses "Run" in the editor's toolbar. */
  async run(): Promise<void> {
    await expect(this.runButton).toHaveAttribute('aria-disabled', 'false');
    await this.runButton.click();
  }

  async openRunsPanel(): Promise<void> {
    await this.page.sidebar.openTab(SELECTORS.RUNS_PANEL.slice(1));
    await expect(this.runsPanel).toBeVisible();
  }

  /** Ctrl+S in the editor, then waits for the tab's dirty marker to go. */
  async save(): Promise<void> {
    await this.canvas.focus();
    await this.page.keyboard.press('Control+s');
    await expect(this.currentTab).not.toHaveClass(/jp-mod-dirty/);
  }

  /**
   * Loads JupyterLab again (a new page load) with an empty workspace, so that nothing is
   * restored and the file must be reopened; the file browser shows this test's folder.
   */
  async reloadWithEmptyWorkspace(): Promise<void> {
    await this.page.goto(`tree/${this.tmpPath}?reset`);
    await expect(this.page.locator(SELECTORS.EDITOR)).toHaveCount(0);
  }

  /**
   * The links drawn on the canvas as "source label → target label", sorted. React Flow
   * labels each edge "Edge from <source id> to <target id>"; node wrappers carry `data-id`.
   */
  async renderedLinks(): Promise<string[]> {
    return this.editor.evaluate(
      (root, s) => {
        const label = (id: string): string =>
          root.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"] ${s.label}`)?.textContent ?? id;
        return Array.from(root.querySelectorAll(s.edge))
          .map(edge => (edge.getAttribute('aria-label') ?? '').match(/^Edge from (.+) to (.+)$/))
          .map(m => (m ? `${label(m[1])} → ${label(m[2])}` : '?'))
          .sort();
      },
      { edge: SELECTORS.EDGE as string, label: SELECTORS.NODE_LABEL as string }
    );
  }

  /**
   * Page coordinates → the node's box; used to check where a dropped node landed.
   */
  async nodeBox(label: string): Promise<{ x: number; y: number; width: number; height: number }> {
    const box = await this.node(label).boundingBox();
    if (!box) {
      throw new Error(`node ${label} is not visible`);
    }
    return box;
  }

  /**
   * Screenshot of the current view for a person to look at (under
   * `<output dir>/screenshots/`, default `test-results/screenshots/`; attached to the report) with the volatile parts masked;
   * asserts that the editor follows the JupyterLab theme: canvas background dark in a dark
   * theme and light in a light one, and node labels readable (contrast ≥ 4.5:1).
   */
  async assertSnapshot(name: string, testInfo: TestInfo): Promise<void> {
    const dark = (await this.page.evaluate(() => document.body.dataset.jpThemeLight)) === 'false';
    const theme = dark ? 'dark' : 'light';
    // Let transitions (selection, theme switch) settle.
    await this.page.waitForTimeout(300);
    const file = path.join(testInfo.project.outputDir, 'screenshots', `${name}-${theme}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const image = await this.page.screenshot({
      path: file,
      mask: [this.page.locator(SELECTORS.VOLATILE)],
      animations: 'disabled'
    });
    await testInfo.attach(`${name}-${theme}`, { body: image, contentType: 'image/png' });

    const colours = await this.editor.evaluate(editorColours, {
      canvas: '.react-flow__pane',
      label: SELECTORS.NODE_LABEL
    });
    const canvasLuminance = luminance(colours.canvas);
    if (dark) {
      expect(canvasLuminance, `canvas ${colours.canvas} in the dark theme`).toBeLessThan(0.2);
    } else {
      expect(canvasLuminance, `canvas ${colours.canvas} in the light theme`).toBeGreaterThan(0.6);
    }
    for (const { fg, bg, text } of colours.labels) {
      expect(contrast(fg, bg), `"${text}": ${fg} on ${bg} (${theme})`).toBeGreaterThanOrEqual(4.5);
    }
  }
}

/** A `.pipeline` file as far as the specs look into it. */
export interface IPipelineFile {
  doc_type: string;
  primary_pipeline: string;
  pipelines: {
    id: string;
    nodes: {
      id: string;
      op: string;
      app_data: {
        label?: string;
        component_parameters?: Record<string, unknown> & { filename?: string; runtime_image?: string };
        ui_data?: { x_pos?: number; y_pos?: number };
      };
      inputs?: { id: string; links?: { id: string; node_id_ref: string; port_id_ref?: string }[] }[];
    }[];
  }[];
}

/** The links of a pipeline file as "source label → target label". */
export function linksOf(file: IPipelineFile): string[] {
  const pipeline = file.pipelines.find(p => p.id === file.primary_pipeline) ?? file.pipelines[0];
  const label = new Map(pipeline.nodes.map(n => [n.id, n.app_data.label ?? n.id]));
  const links: string[] = [];
  for (const node of pipeline.nodes) {
    for (const input of node.inputs ?? []) {
      for (const link of input.links ?? []) {
        links.push(`${label.get(link.node_id_ref) ?? link.node_id_ref} → ${node.app_data.label ?? node.id}`);
      }
    }
  }
  return links.sort();
}

async function centre(locator: Locator): Promise<IPoint> {
  await expect(locator).toBeVisible();
  const box = await locator.boundingBox();
  if (!box) {
    throw new Error(`${locator} has no box`);
  }
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs in the page: effective colours of the canvas and of every node label. */
function editorColours(
  root: Element,
  selectors: { canvas: string; label: string }
): { canvas: string; labels: { fg: string; bg: string; text: string }[] } {
  const opaque = (c: string): boolean => !/^rgba\(.*,\s*0\)$/.test(c) && c !== 'transparent';
  const background = (el: Element | null): string => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (opaque(c)) {
        return c;
      }
    }
    return 'rgb(255, 255, 255)';
  };
  return {
    canvas: background(root.querySelector(selectors.canvas) ?? root),
    labels: Array.from(root.querySelectorAll(selectors.label)).map(el => ({
      fg: getComputedStyle(el).color,
      bg: background(el),
      text: el.textContent ?? ''
    }))
  };
}

function rgb(colour: string): [number, number, number] {
  const m = colour.match(/[\d.]+/g);
  if (!m || m.length < 3) {
    throw new Error(`cannot read colour ${colour}`);
  }
  return [Number(m[0]), Number(m[1]), Number(m[2])];
}

/** WCAG relative luminance, 0 (black) … 1 (white). */
function luminance(colour: string): number {
  const [r, g, b] = rgb(colour).map(v => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
