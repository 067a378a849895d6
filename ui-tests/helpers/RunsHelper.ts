/**
 * What the Runs specs need on top of the editor's page object: pipelines with script
 * nodes and declared outputs (pipelines.ts writes notebook-only ones), and the Runs
 * panel's node rows, logs and links.
 */
import { expect, Locator, Page } from '@playwright/test';

export interface IRunNodeSpec {
  /** Node id (also used in links and as `data-node-id` in the Runs panel). */
  id: string;
  /** File relative to the pipeline; the node's label is its name. */
  filename: string;
  x: number;
  y: number;
  /** Ids of upstream nodes. */
  after?: string[];
  /** Files the node declares as outputs (copied to its downstream nodes). */
  outputs?: string[];
  runtimeImage: string;
}

/** A `.pipeline` document (pipeline-flow v3, Elyra's app_data version 8) as text. */
export function runPipelineText(name: string, nodes: IRunNodeSpec[]): string {
  const port = (id: string, label: string, links?: string[]): Record<string, unknown> => ({
    id,
    app_data: { ui_data: { cardinality: { min: 0, max: -1 }, label } },
    ...(links ? { links: links.map(ref => ({ id: `${ref}-link`, node_id_ref: ref, port_id_ref: 'outPort' })) } : {})
  });
  const pipeline = {
    id: `${name}-pipeline`,
    nodes: nodes.map(node => {
      const label = node.filename.split('/').pop()!;
      const script = node.filename.endsWith('.py');
      return {
        id: node.id,
        type: 'execution_node',
        op: script ? 'execute-python-node' : 'execute-notebook-node',
        app_data: {
          label,
          component_parameters: {
            filename: node.filename,
            runtime_image: node.runtimeImage,
            env_vars: [],
            include_subdirectories: false,
            outputs: node.outputs ?? [],
            dependencies: []
          },
          ui_data: {
            label,
            image: script ? '/static/elyra/py-logo.svg' : '/static/elyra/notebook.svg',
            x_pos: node.x,
            y_pos: node.y
          }
        },
        inputs: [port('inPort', 'Input Port', node.after ?? [])],
        outputs: [port('outPort', 'Output Port')]
      };
    }),
    app_data: { ui_data: { comments: [] }, version: 8, properties: { name, runtime: 'Generic' } },
    runtime_ref: ''
  };
  const doc = {
    doc_type: 'pipeline',
    version: '3.0',
    json_schema:
      'http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json',
    id: `${name}-doc`,
    primary_pipeline: pipeline.id,
    pipelines: [pipeline],
    schemas: []
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** A run row's parts in the Runs panel (the row must be expanded for the node parts). */
export class RunRow {
  constructor(
    readonly page: Page,
    readonly row: Locator
  ) {}

  /** Expands the row (its detail lists the nodes). */
  async expand(): Promise<void> {
    await this.row.locator('.jp-tekton-RunsPanel-summary').click();
    await expect(this.row.locator('[data-testid="run-detail"]')).toBeVisible();
  }

  get nodes(): Locator {
    return this.row.locator('[data-testid="run-node"]');
  }

  node(id: string): Locator {
    return this.row.locator(`[data-testid="run-node"][data-node-id="${id}"]`);
  }

  /** Opens the node's log and waits until all of it was read; returns its text. */
  async readLog(id: string): Promise<string> {
    const node = this.node(id);
    await node.locator('[data-testid="run-node-log-toggle"]').click();
    const log = node.locator('[data-testid="run-node-log"]');
    await expect(log).toHaveAttribute('data-complete', 'true', { timeout: 30_000 });
    return (await log.locator('pre').textContent()) ?? '';
  }

  /** Opens the node's executed notebook; returns the visible notebook panel. */
  async openNotebook(id: string): Promise<Locator> {
    await this.node(id).locator('[data-testid="run-node-open-notebook"]').click();
    const panel = this.page.locator('.jp-NotebookPanel').filter({ visible: true });
    await expect(panel).toHaveCount(1);
    return panel;
  }
}

/** Run ids currently listed in the Runs panel (to find the row a new run adds). */
export async function listedRunIds(panel: Locator): Promise<string[]> {
  return panel
    .locator('[data-testid="run-row"]')
    .evaluateAll(rows => rows.map(row => row.getAttribute('data-run-id') ?? ''));
}

/** A short suffix that keeps pipeline names unique when a server is reused between runs. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}
