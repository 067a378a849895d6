import { render, screen, within } from '@testing-library/react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import React from 'react';
import { formatElapsed, PipelineNode } from '../../src/editor/PipelineNode';
import type { IPipelineNodeData, PipelineFlowNode } from '../../src/editor/types';
import type { IDiagnostic } from '../../src/model/types';
import { installLayoutStubs } from './setup';

installLayoutStubs();

const nodeTypes = { pipeline: PipelineNode };

function renderNode(data: Partial<IPipelineNodeData>, selected = false): HTMLElement {
  const node: PipelineFlowNode = {
    id: 'n1',
    type: 'pipeline',
    position: { x: 0, y: 0 },
    selected,
    data: {
      label: 'load_data',
      kind: 'notebook',
      summary: '',
      filename: 'load_data.ipynb',
      commented: false,
      problems: [],
      runState: null,
      ...data
    }
  };
  render(
    <div style={{ width: 800, height: 600 }}>
      <ReactFlowProvider>
        <ReactFlow nodes={[node]} edges={[]} nodeTypes={nodeTypes} />
      </ReactFlowProvider>
    </div>
  );
  return screen.getByTestId('pipeline-node');
}

describe('PipelineNode', () => {
  it('shows the label, the kind and the summary line', () => {
    const node = renderNode({ summary: 'quay.io/acme/pandas:2.2 · 1 CPU' });
    expect(within(node).getByTestId('node-label').textContent).toBe('load_data');
    expect(node.querySelector('.jp-tekton-PipelineEditor-kind')?.textContent).toBe('NB');
    expect(node.getAttribute('data-kind')).toBe('notebook');
    expect(node.textContent).toContain('quay.io/acme/pandas:2.2 · 1 CPU');
    expect(node.querySelector('.jp-tekton-PipelineEditor-problemBadge')).toBeNull();
  });

  it('has an input and an output port', () => {
    const node = renderNode({});
    expect(within(node).getByTestId('node-input').classList).toContain('target');
    expect(within(node).getByTestId('node-output').classList).toContain('source');
  });

  it('badges problems with a tooltip listing every message, and shows the first error', () => {
    const problems: IDiagnostic[] = [
      { severity: 'error', code: 'missing-image', message: 'runtime image is required', nodeId: 'n1' },
      { severity: 'warning', code: 'x', message: 'memory is very large', nodeId: 'n1' }
    ];
    const node = renderNode({ problems, summary: 'outputs: a.csv' });
    const badge = within(node).getByTestId('node-problems');
    expect(badge.textContent).toBe('2');
    expect(badge.getAttribute('title')).toBe('runtime image is required\nmemory is very large');
    expect(badge.classList).toContain('jp-mod-error');
    expect(node.classList).toContain('jp-mod-error');
    // The reason replaces the summary line.
    expect(node.textContent).toContain('runtime image is required');
    expect(node.textContent).not.toContain('outputs: a.csv');
  });

  it('marks warnings-only nodes as warnings', () => {
    const node = renderNode({
      problems: [{ severity: 'warning', code: 'x', message: 'no runtime image', nodeId: 'n1' }],
      summary: 'outputs: a.csv'
    });
    expect(node.classList).toContain('jp-mod-warning');
    expect(within(node).getByTestId('node-problems').classList).toContain('jp-mod-warning');
    expect(node.textContent).toContain('outputs: a.csv');
  });

  it('shows the run state fed by the runs model', () => {
    const startedAt = new Date(Date.now() - 125_000).toISOString();
    const node = renderNode({ runState: { status: 'running', startedAt } });
    const badge = within(node).getByTestId('node-run-state');
    expect(badge.getAttribute('data-status')).toBe('running');
    expect(badge.textContent).toMatch(/running 2m/);
    expect(node.classList).toContain('jp-mod-run-running');
  });

  it('marks nodes it cannot run as unsupported', () => {
    const node = renderNode({ kind: null, label: 'kfp component' });
    expect(node.classList).toContain('jp-mod-unsupported');
    expect(node.querySelector('.jp-tekton-PipelineEditor-kind')?.textContent).toBe('?');
  });

  it('reflects the selection', () => {
    expect(renderNode({}, true).classList).toContain('jp-mod-selected');
  });
});

describe('formatElapsed', () => {
  it('formats seconds, minutes and hours', () => {
    const start = '2024-01-01T00:00:00Z';
    expect(formatElapsed(start, '2024-01-01T00:00:21Z')).toBe('21s');
    expect(formatElapsed(start, '2024-01-01T00:02:05Z')).toBe('2m');
    expect(formatElapsed(start, '2024-01-01T01:05:00Z')).toBe('1h 5m');
    expect(formatElapsed(undefined, '2024-01-01T01:05:00Z')).toBe('');
  });
});
