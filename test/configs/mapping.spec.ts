/**
 * Pure parts of runtime configurations and submit: the compile options taken from a
 * configuration, the request body taken from the form, and the submission itself
 * compiled from a real Elyra fixture.
 */
import { parsePipeline } from '../../src/model';
import { compileOptionsFromConfig } from '../../src/configs/options';
import { formDataFromConfig, requestFromFormData, SECRET_FIELDS } from '../../src/configs/schema';
import { prepareSubmission } from '../../src/configs/submission';
import type { Tekton } from '../../src/services';
import { fixture, PRODUCER_CONSUMER } from '../widget/context';

function describeConfig(fields: Partial<Tekton.IDescribeRuntimeConfig> = {}): Tekton.IDescribeRuntimeConfig {
  return {
    name: 'dev',
    display_name: 'Dev cluster',
    description: '',
    kube_context: 'kind-dev',
    kubeconfig: null,
    in_cluster: false,
    namespace: 'ds-team',
    service_account: 'pipeline-runner',
    storage_endpoint: 'http://minio.minio:9000',
    storage_server_endpoint: 'http://127.0.0.1:9000',
    bucket: 'pipelines',
    region: 'eu-west-1',
    storage_secret_name: 'minio-keys',
    credentials_mode: 'keys',
    aws_profile: null,
    default_runtime_image: 'python:3.12-slim',
    transfer_image: 'minio/mc:RELEASE.2024-01-01',
    dashboard_url: 'http://tekton.example/',
    console_url: null,
    has_access_key_id: true,
    has_secret_key: true,
    updated: null,
    ...fields
  } as Tekton.IDescribeRuntimeConfig;
}

describe('compileOptionsFromConfig', () => {
  it('maps every cluster-side field of the configuration', () => {
    expect(compileOptionsFromConfig(describeConfig(), 'flows/pc.pipeline')).toEqual({
      pipelinePath: 'flows/pc.pipeline',
      namespace: 'ds-team',
      storageEndpoint: 'http://minio.minio:9000',
      bucket: 'pipelines',
      storageRegion: 'eu-west-1',
      storageSecretName: 'minio-keys',
      defaultRuntimeImage: 'python:3.12-slim',
      transferImage: 'minio/mc:RELEASE.2024-01-01',
      serviceAccountName: 'pipeline-runner'
    });
  });

  it('uses the pods’ storage endpoint, never the server’s', () => {
    const options = compileOptionsFromConfig(describeConfig(), 'a.pipeline');
    expect(JSON.stringify(options)).not.toContain('127.0.0.1');
  });

  it('leaves unset (null or blank) values to the compiler defaults', () => {
    const options = compileOptionsFromConfig(
      describeConfig({ region: null, service_account: '  ', transfer_image: '', default_runtime_image: null }),
      'a.pipeline'
    );
    expect(options).not.toHaveProperty('storageRegion');
    expect(options).not.toHaveProperty('serviceAccountName');
    expect(options).not.toHaveProperty('transferImage');
    expect(options).not.toHaveProperty('defaultRuntimeImage');
    expect(options.namespace).toBe('ds-team');
  });
});

describe('form data ↔ request', () => {
  it('never puts a secret value into the form data, whatever the server sends', () => {
    const leaky = { ...describeConfig(), access_key_id: 'AKIALEAK', secret_access_key: 'sekret' } as any;
    const data = formDataFromConfig(leaky);
    for (const secret of SECRET_FIELDS) {
      expect(data).not.toHaveProperty(secret);
    }
    expect(JSON.stringify(data)).not.toMatch(/AKIALEAK|sekret/);
    expect(data).not.toHaveProperty('has_secret_key');
  });

  it('keeps stored secrets when the fields are left empty, replaces typed ones, clears on request', () => {
    const base = formDataFromConfig(describeConfig());
    const keep = requestFromFormData(base);
    expect(keep).not.toHaveProperty('access_key_id');
    expect(keep).not.toHaveProperty('secret_access_key');

    const replace = requestFromFormData({ ...base, secret_access_key: 'new-secret' });
    expect(replace.secret_access_key).toBe('new-secret');
    expect(replace).not.toHaveProperty('access_key_id');

    const clear = requestFromFormData({ ...base, clear_secrets: true });
    expect(clear.access_key_id).toBe('');
    expect(clear.secret_access_key).toBe('');
    expect(clear).not.toHaveProperty('clear_secrets');
  });

  it('sends empty optional fields as null and trims text', () => {
    const body = requestFromFormData({ name: ' dev ', namespace: 'ns ', bucket: 'b-1', storage_endpoint: 'http://s:9000' });
    expect(body.name).toBe('dev');
    expect(body.namespace).toBe('ns');
    expect(body.region).toBeNull();
    expect(body.service_account).toBeNull();
    expect(body.display_name).toBe('');
  });
});

describe('prepareSubmission', () => {
  const document = parsePipeline(fixture(PRODUCER_CONSUMER)).document!;

  it('compiles with the configuration and builds the submit request', () => {
    const submission = prepareSubmission(document, describeConfig(), 'flows/pc.pipeline');
    if (!submission.ok) {
      throw new Error(JSON.stringify(submission.errors));
    }
    const { request } = submission;
    expect(request.runtime_config).toBe('dev');
    expect(request.pipeline_path).toBe('flows/pc.pipeline');
    const run = request.documents[request.documents.length - 1] as any;
    expect(run.kind).toBe('PipelineRun');
    expect(run.metadata.namespace).toBe('ds-team');
    const text = JSON.stringify(request.documents);
    expect(text).toContain('http://minio.minio:9000');
    expect(text).toContain('minio-keys');
    expect(text).toContain('pipeline-runner');
    expect(text).toContain('minio/mc:RELEASE.2024-01-01');
    expect(request.ir?.nodes.length).toBeGreaterThan(0);
    expect(request.uploads?.length).toBeGreaterThan(0);
  });

  it('returns the compile errors instead of a request when the configuration lacks storage', () => {
    const submission = prepareSubmission(document, describeConfig({ bucket: '', storage_endpoint: '' }), 'pc.pipeline');
    expect(submission.ok).toBe(false);
    if (!submission.ok) {
      expect(submission.errors.length).toBeGreaterThan(0);
      expect(submission.errors.every(e => e.severity === 'error')).toBe(true);
    }
  });
});
