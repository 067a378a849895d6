/**
 * The runtime-configuration form and list in jsdom: secret values are never displayed
 * (only "set"/"not set"), and invalid fields get messages naming the field before
 * anything is sent (the service points at a closed port: a request would show a
 * network error instead).
 */
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import React from 'react';
import { ConfigEditor, RuntimeConfigsView } from '../../src/configs/ConfigsPanel';
import { RuntimeConfigsModel } from '../../src/configs/model';
import { validateConfigForm } from '../../src/configs/validate';
import { Tekton, TektonService } from '../../src/services';

const trans = nullTranslator.load('jupyterlab_tekton');
const SECRET = 'wJalrXUtnFEMI-K7MDENG';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';

function closedPortModel(): RuntimeConfigsModel {
  const serverSettings = ServerConnection.makeSettings({ baseUrl: 'http://127.0.0.1:9/' });
  return new RuntimeConfigsModel({ service: new TektonService({ serverSettings }) });
}

function stored(fields: Partial<Tekton.IDescribeRuntimeConfig> = {}): Tekton.IDescribeRuntimeConfig {
  // As if a faulty server had sent the values back: they must still not show.
  return {
    name: 'dev',
    display_name: '',
    description: '',
    kube_context: null,
    kubeconfig: null,
    in_cluster: false,
    namespace: 'default',
    service_account: null,
    storage_endpoint: 'http://minio:9000',
    storage_server_endpoint: null,
    bucket: 'pipelines',
    region: null,
    storage_secret_name: 'minio-keys',
    credentials_mode: 'keys',
    aws_profile: null,
    default_runtime_image: null,
    transfer_image: null,
    dashboard_url: null,
    console_url: null,
    has_access_key_id: true,
    has_secret_key: false,
    updated: null,
    access_key_id: KEY_ID,
    secret_access_key: SECRET,
    ...fields
  } as Tekton.IDescribeRuntimeConfig;
}

function field(container: HTMLElement, name: string): HTMLInputElement {
  const element = container.querySelector(`[id="jp-tekton-runtime-config_${name}"]`);
  if (!element) {
    throw new Error(`no field ${name}`);
  }
  return element as HTMLInputElement;
}

describe('ConfigEditor', () => {
  it('never displays a secret value; says whether each one is set', () => {
    const { container } = render(
      <ConfigEditor model={closedPortModel()} trans={trans} existing={stored()} onDone={() => undefined} />
    );
    expect(container.innerHTML).not.toContain(SECRET);
    expect(container.innerHTML).not.toContain(KEY_ID);
    const keyId = field(container, 'access_key_id');
    const secret = field(container, 'secret_access_key');
    expect(keyId.type).toBe('password');
    expect(secret.type).toBe('password');
    expect(keyId.value).toBe('');
    expect(secret.value).toBe('');
    expect(screen.getByText(/^Set\. Leave empty to keep the stored value/)).toBeTruthy();
    expect(screen.getByText('Not set.')).toBeTruthy();
    // The name of an existing configuration is its identity: not editable.
    expect(field(container, 'name').disabled).toBe(true);
    expect(field(container, 'bucket').value).toBe('pipelines');
  });

  it('shows validation messages naming the fields and sends nothing', async () => {
    const { container } = render(
      <ConfigEditor model={closedPortModel()} trans={trans} existing={null} onDone={() => undefined} />
    );
    fireEvent.change(field(container, 'name'), { target: { value: '-bad name' } });
    fireEvent.change(field(container, 'bucket'), { target: { value: 'Bad_Bucket' } });
    fireEvent.change(field(container, 'storage_endpoint'), { target: { value: 'minio:9000' } });
    fireEvent.click(screen.getByTestId('runtime-config-save'));
    const summary = await screen.findByTestId('runtime-config-errors');
    expect(summary.textContent).toContain('Name must start with a letter or digit');
    expect(summary.textContent).toContain('Bucket is not a valid S3 bucket name');
    expect(summary.textContent).toContain('Object storage endpoint is not an http(s) URL');
    // Messages also sit under their fields.
    const under = (name: string) =>
      field(container, name).closest('.form-group')?.querySelector('.validationErrors')?.textContent ?? '';
    expect(under('bucket')).toContain('Bucket is not a valid S3 bucket name');
    expect(under('name')).toContain('Name must start with a letter or digit');
    expect(under('namespace')).toBe('');
    expect(summary.textContent).not.toMatch(/NetworkError|Failed to fetch|fetch/i);
  });

  it('asks for a profile name when uploads use an AWS profile', () => {
    const problems = validateConfigForm({
      name: 'p',
      namespace: 'default',
      bucket: 'pipelines',
      storage_endpoint: 'http://s:9000',
      credentials_mode: 'profile'
    });
    expect(problems).toEqual([{ field: 'aws_profile', message: expect.stringContaining('AWS profile is required') }]);
  });

  it('requires name, namespace, endpoint and bucket', () => {
    const fields = validateConfigForm({ namespace: '' } as any).map(p => p.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['bucket', 'name', 'storage_endpoint']));
  });
});

describe('RuntimeConfigsView', () => {
  it('lists configurations with "set"/"not set" for stored keys and never their values', async () => {
    const model = closedPortModel();
    // Fill the list as refresh() would, from a reply.
    (model as any)._configs = [stored(), stored({ name: 'empty', has_access_key_id: false, has_secret_key: false })];
    (model as any)._loaded = true;
    const { container } = render(
      <RuntimeConfigsView model={model} trans={trans} editing={null} onEditingChange={() => undefined} />
    );
    const items = screen.getAllByTestId('runtime-config-item');
    expect(items.map(i => i.dataset.name)).toEqual(['dev', 'empty']);
    const keys = screen.getAllByTestId('runtime-config-keys').map(k => k.textContent);
    expect(keys).toEqual(['stored: set', 'stored: not set']);
    expect(container.innerHTML).not.toContain(SECRET);
    expect(container.innerHTML).not.toContain(KEY_ID);
  });

  it('shows why the list cannot be loaded', async () => {
    const model = closedPortModel();
    render(<RuntimeConfigsView model={model} trans={trans} editing={null} onEditingChange={() => undefined} />);
    await model.refresh();
    await waitFor(() => expect(model.error).toBeTruthy());
  });
});
