import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { computeAccessibleName } from 'dom-accessibility-api';
import React from 'react';
import { EditorContext } from '../../src/editor/context';
import { PropertiesPanel, changedKeys } from '../../src/editor/PropertiesPanel';
import { problemText } from '../../src/editor/messages';
import { ViewState } from '../../src/editor/viewstate';
import { findNode, getPrimaryPipeline, parsePipeline } from '../../src/model';
import { PipelineEditorModel } from '../../src/widget/editormodel';
import { createPipelineContext, createTestServices, fixture, PRODUCER_CONSUMER } from '../widget/context';
import { installLayoutStubs } from './setup';

installLayoutStubs();

const PRODUCER = 'bd1aabf1-9516-4644-b382-0c25e50054c8';

async function setup(pickFiles: () => Promise<string[]> = async () => []) {
  const { context } = await createPipelineContext(fixture(PRODUCER_CONSUMER), 'flows/pc.pipeline');
  const model = new PipelineEditorModel({ context });
  await waitFor(() => expect(model.snapshot.status).toBe('ready'));
  const services = createTestServices({ pickFiles });
  render(
    <EditorContext.Provider value={{ model, services, viewState: new ViewState() }}>
      <PropertiesPanel />
    </EditorContext.Provider>
  );
  /** The document as written to the file. */
  const written = () => parsePipeline(context.model.toString()).document!;
  return { model, context, written };
}

function input(container: HTMLElement, id: string): HTMLInputElement {
  const element = container.querySelector(`[id$="_${id}"]`);
  if (!element) {
    throw new Error(`no field ${id}`);
  }
  return element as HTMLInputElement;
}

describe('PropertiesPanel', () => {
  it('has Pipeline, Parameters and Node tabs', async () => {
    await setup();
    for (const tab of ['pipeline', 'parameters', 'node']) {
      expect(screen.getByTestId(`properties-tab-${tab}`).getAttribute('role')).toBe('tab');
    }
    expect(screen.getByTestId('properties-tab-pipeline').getAttribute('aria-selected')).toBe('true');
  });

  it('edits the pipeline name through the model: undoable, written to the file, nothing else added', async () => {
    const { model, written } = await setup();
    const form = screen.getByTestId('pipeline-form');
    const name = input(form, 'name');
    expect(name.value).toBe('producer-consumer');
    const before = getPrimaryPipeline(written())!.app_data!.properties!;

    fireEvent.change(name, { target: { value: 'churn-model' } });
    const after = getPrimaryPipeline(written())!.app_data!.properties!;
    expect(after.name).toBe('churn-model');
    // rjsf fills in empty defaults; they must not reach the file.
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());

    act(() => model.undo());
    expect(getPrimaryPipeline(written())!.app_data!.properties!.name).toBe('producer-consumer');
    await waitFor(() => expect(input(screen.getByTestId('pipeline-form'), 'name').value).toBe('producer-consumer'));
  });

  it('shows the selected node and sets its runtime image', async () => {
    const { model, written } = await setup();
    act(() => model.setSelection({ nodes: [PRODUCER], comments: [], links: [] }));
    await waitFor(() => expect(screen.getByTestId('properties-tab-node').getAttribute('aria-selected')).toBe('true'));
    const form = screen.getByTestId('node-form');
    expect(input(form, 'label').value).toBe('producer.ipynb');
    const image = input(form, 'runtime_image');
    expect(image.value).toBe('elyra/elyra-example-anaconda-py3:latest');
    const paramsBefore = Object.keys(findNode(written(), PRODUCER)!.node.app_data!.component_parameters!).sort();

    fireEvent.change(image, { target: { value: 'quay.io/jupyter/scipy-notebook:2024-10-07' } });
    const node = findNode(written(), PRODUCER)!.node;
    expect(node.app_data!.component_parameters!.runtime_image).toBe('quay.io/jupyter/scipy-notebook:2024-10-07');
    expect(Object.keys(node.app_data!.component_parameters!).sort()).toEqual(paramsBefore);
    expect(model.snapshot.canUndo).toBe(true);
  });

  it('shows validation problems at the field', async () => {
    const { model } = await setup();
    act(() => model.setSelection({ nodes: [PRODUCER], comments: [], links: [] }));
    const form = await waitFor(() => screen.getByTestId('node-form'));
    fireEvent.change(input(form, 'cpu'), { target: { value: 'lots' } });
    await waitFor(() =>
      expect(model.diagnostics.some(d => d.nodeId === PRODUCER && d.property === 'cpu')).toBe(true)
    );
    const cpuError = model.diagnostics.find(d => d.nodeId === PRODUCER && d.property === 'cpu')!;
    await waitFor(() => expect(form.textContent).toContain(problemText(cpuError)));
  });

  it('picks the node file with the file dialog, relative to the pipeline', async () => {
    const { model, written } = await setup(async () => ['data/prepare.ipynb']);
    act(() => model.setSelection({ nodes: [PRODUCER], comments: [], links: [] }));
    const form = await waitFor(() => screen.getByTestId('node-form'));
    fireEvent.click(within(form).getByTestId('node-file-browse'));
    await waitFor(() =>
      expect(findNode(written(), PRODUCER)!.node.app_data!.component_parameters!.filename).toBe(
        '../data/prepare.ipynb'
      )
    );
  });

  it('adds pipeline parameters in the Parameters tab', async () => {
    const { written } = await setup();
    fireEvent.click(screen.getByTestId('properties-tab-parameters'));
    const form = screen.getByTestId('parameters-form');
    fireEvent.click(within(form).getByTitle('Add item'));
    await waitFor(() =>
      expect(getPrimaryPipeline(written())!.app_data!.properties!.pipeline_parameters).toHaveLength(1)
    );
  });

  it('names every input: labels that screen readers read and tests can find by role', async () => {
    const { model, written } = await setup();
    const unnamed = (root: HTMLElement) =>
      Array.from(root.querySelectorAll('input, select, textarea'))
        // JupyterLab's toolkit buttons add hidden form proxies in jsdom (not in browsers).
        .filter(e => !e.closest('jp-button') && computeAccessibleName(e) === '')
        .map(e => e.id || e.outerHTML);

    const pipelineForm = screen.getByTestId('pipeline-form');
    expect(within(pipelineForm).getByRole('textbox', { name: 'Name' })).toBeTruthy();
    expect(within(pipelineForm).getByRole('textbox', { name: 'Description' })).toBeTruthy();
    expect(unnamed(pipelineForm)).toEqual([]);

    act(() => model.setSelection({ nodes: [PRODUCER], comments: [], links: [] }));
    const form = await waitFor(() => screen.getByTestId('node-form'));
    expect(within(form).getByRole('textbox', { name: 'Label' })).toBeTruthy();
    expect(within(form).getByRole('textbox', { name: 'File' })).toBeTruthy();
    expect(within(form).getByRole('spinbutton', { name: 'GPUs' })).toBeTruthy();
    expect(within(form).getByRole('checkbox', { name: 'Include subdirectories' })).toBeTruthy();
    expect(within(form).getByRole('group', { name: 'Output files' })).toBeTruthy();
    // Every list gets an item: the inputs inside list items are named too.
    for (const add of within(form).getAllByTitle('Add item')) {
      fireEvent.click(add);
    }
    await waitFor(() => expect(within(form).getByRole('textbox', { name: 'Mount path' })).toBeTruthy());
    expect(within(form).getAllByRole('combobox', { name: 'Effect' })).toHaveLength(1);
    expect(unnamed(form)).toEqual([]);

    // Found by its name, the input edits the node.
    fireEvent.change(within(form).getByRole('textbox', { name: 'Runtime image' }), {
      target: { value: 'python:3.12-slim' }
    });
    expect(findNode(written(), PRODUCER)!.node.app_data!.component_parameters!.runtime_image).toBe(
      'python:3.12-slim'
    );

    fireEvent.click(screen.getByTestId('properties-tab-parameters'));
    const parameters = screen.getByTestId('parameters-form');
    fireEvent.click(within(parameters).getByTitle('Add item'));
    await waitFor(() => expect(within(parameters).getByRole('combobox', { name: 'Type' })).toBeTruthy());
    expect(unnamed(parameters)).toEqual([]);
  });

  it('says what to do when no node is selected', async () => {
    await setup();
    fireEvent.click(screen.getByTestId('properties-tab-node'));
    expect(screen.getByTestId('properties-panel-node').textContent).toMatch(/Select a node/);
  });
});

describe('changedKeys', () => {
  const schema = {
    properties: { env_vars: { type: 'array', default: [] }, include_subdirectories: { default: false } }
  } as any;
  it('ignores defaults rjsf fills in for absent keys, and reports real edits', () => {
    expect(changedKeys({ a: 1 }, { a: 1, env_vars: [], include_subdirectories: false }, schema)).toEqual([]);
    expect(changedKeys({ a: 1 }, { a: 2, env_vars: [{ env_var: 'X' }] }, schema)).toEqual(['a', 'env_vars']);
    expect(changedKeys({ a: 1, b: 'x' }, { a: 1 }, schema)).toEqual(['b']);
  });
});
