import { getNodes, getPrimaryPipeline, IPipelineFlowDocument, migratePipeline, parsePipeline, serializePipeline } from '../../src/model';
import { CLI_DIR, readFixture, VALIDATION_DIR } from './helpers';

function load(relative: string): IPipelineFlowDocument {
  return JSON.parse(readFixture(relative));
}

describe('migratePipeline', () => {
  it('converts v7 "K=V" env vars to objects (hello-generic-world)', () => {
    const original = load('elyra-examples/pipelines/run-generic-pipelines-on-kubeflow-pipelines/hello-generic-world.pipeline');
    const before = JSON.stringify(original);
    const { document, diagnostics, fromVersion } = migratePipeline(original);
    expect(fromVersion).toBe(7);
    expect(diagnostics).toEqual([]);
    expect(JSON.stringify(original)).toBe(before); // input untouched
    expect(getPrimaryPipeline(document)!.app_data!.version).toBe(8);
    const loader = getNodes(getPrimaryPipeline(document))[0];
    expect(loader.app_data!.component_parameters!.env_vars).toEqual([
      {
        env_var: 'DATASET_URL',
        value: 'https://dax-cdn.cdn.appdomain.cloud/dax-noaa-weather-data-jfk-airport/1.1.4/noaa-weather-data-jfk-airport.tar.gz'
      }
    ]);
    // Comments and everything else ride along.
    expect(getPrimaryPipeline(document)!.app_data!.ui_data!.comments).toHaveLength(4);
  });

  it('converts v7 volumes "path=pvc" and keeps the key position', () => {
    const { document } = migratePipeline(load(`${CLI_DIR}/pipeline_with_one_mount.pipeline`));
    const node = getNodes(getPrimaryPipeline(document))[0];
    const params = node.app_data!.component_parameters!;
    expect(params.mounted_volumes).toEqual([{ path: '/mount/test', pvc_name: 'rwx-test-claim' }]);
    expect(params.env_vars).toEqual([{ env_var: 'OP_NAME', value: 'a' }]);
    expect(Object.keys(params)).toEqual([
      'filename',
      'runtime_image',
      'env_vars',
      'include_subdirectories',
      'mounted_volumes',
      'dependencies',
      'outputs'
    ]);
  });

  it('leaves v7 entries that are already objects alone', () => {
    const original = load(`${CLI_DIR}/pipeline_with_notebooks.pipeline`);
    const { document } = migratePipeline(original);
    const defaults = getPrimaryPipeline(document)!.app_data!.properties!.pipeline_defaults!;
    expect(defaults.mounted_volumes).toEqual([{ path: '/mnt/vol1', pvc_name: 'pvc-claim-1' }]);
    const secrets = getNodes(getPrimaryPipeline(document))[0].app_data!.component_parameters!.kubernetes_secrets;
    expect(secrets).toEqual([
      { env_var: 'USER_NAME', name: 'secret-1', key: 'myuserid' },
      { env_var: 'USER_PASSWORD', name: 'secret-1', key: 'mypassword' }
    ]);
  });

  it('migrates a v5 KFP pipeline: component inputs become {widget, value}', () => {
    const { document, fromVersion } = migratePipeline(load(`${VALIDATION_DIR}/kf_with_parameters.pipeline`));
    expect(fromVersion).toBe(5);
    const pipeline = getPrimaryPipeline(document)!;
    expect(pipeline.app_data!.version).toBe(8);
    // runtime "{{runtime}}" is not an Elyra runtime name, so runtime_type stays as written.
    expect(pipeline.app_data!.runtime_type).toBe('KUBEFLOW_PIPELINES');
    const download = getNodes(pipeline)[1];
    expect(download.op).toBe('elyra-kfp-examples-catalog:a08014f9252f');
    // Already in v8 shape in this (hand-edited) fixture: untouched.
    expect(download.app_data!.component_parameters!.url).toEqual({ widget: 'parameter', value: 'param1' });
  });

  it('walks v5 → v8 for KFP example components (ops, component_source, OneOfControl)', () => {
    const doc: any = {
      doc_type: 'pipeline',
      version: '3.0',
      id: 'x',
      primary_pipeline: 'p',
      pipelines: [
        {
          id: 'p',
          app_data: { version: 5, runtime: 'kfp', properties: { name: 'old' } },
          nodes: [
            {
              id: 'n1',
              type: 'execution_node',
              op: 'component_Downloaddata',
              app_data: {
                label: '',
                component_source: 'https://example.org/component.yaml',
                component_parameters: { url: 'https://example.org/data.csv', curl_options: '--location', output_data: '' },
                ui_data: { label: 'Download data' }
              }
            },
            {
              id: 'n2',
              type: 'execution_node',
              op: 'run_notebook_using_papermill_Runnotebookusingpapermill',
              app_data: {
                component_source: 'elyra/run_notebook.yaml',
                component_parameters: { notebook: { value: 'n1', option: 'elyra_output_data' }, parameters: '{}' },
                ui_data: {}
              }
            }
          ]
        }
      ]
    };
    const { document } = migratePipeline(doc);
    const pipeline = getPrimaryPipeline(document)!;
    expect(pipeline.app_data!.runtime_type).toBe('KUBEFLOW_PIPELINES');
    expect(pipeline.app_data!.runtime).toBeUndefined();
    const [download, papermill] = getNodes(pipeline);
    expect(download.op).toBe('elyra-kfp-examples-catalog:a08014f9252f');
    expect(JSON.parse(download.app_data!.component_source as string)).toEqual({
      catalog_type: 'elyra-kfp-examples-catalog',
      component_ref: { 'component-id': 'download_data.yaml' }
    });
    expect(download.app_data!.component_parameters).toEqual({
      url: { widget: 'string', value: 'https://example.org/data.csv' },
      curl_options: { widget: 'string', value: '--location' },
      output_data: ''
    });
    expect(papermill.op).toBe('elyra-kfp-examples-catalog:61e6f4141f65');
    expect(papermill.app_data!.component_parameters).toEqual({
      notebook: { widget: 'inputpath', value: { value: 'n1', option: 'elyra_output_data' } },
      parameters: { widget: 'string', value: '{}' }
    });
  });

  it('migrates an Elyra 1.x (v0) pipeline: renamed fields, component_parameters, basename paths', () => {
    const doc: any = {
      doc_type: 'pipeline',
      version: '3.0',
      id: 'old',
      primary_pipeline: 'p',
      pipelines: [
        {
          id: 'p',
          app_data: { title: 'legacy', export: false, export_path: '/tmp/x' },
          nodes: [
            {
              id: 'a',
              type: 'pipeline_node',
              app_data: {
                artifact: '/home/user/work/prep.ipynb',
                image: 'tensorflow/tensorflow:2.8.0',
                vars: ['A=1', 'B=two=2'],
                file_dependencies: ['data.csv'],
                recursive_dependencies: true,
                custom_field: 'kept',
                ui_data: { label: 'prep', x_pos: 10, y_pos: 20 }
              }
            }
          ]
        }
      ]
    };
    const { document, diagnostics, fromVersion } = migratePipeline(doc);
    expect(fromVersion).toBe(0);
    expect(diagnostics.map(d => d.code)).toEqual(['migrated-path']);
    const pipeline = getPrimaryPipeline(document)!;
    expect(pipeline.app_data).toEqual({ name: 'legacy', version: 8 });
    const [node] = getNodes(pipeline);
    expect(node.type).toBe('execution_node');
    expect(node.op).toBe('execute-notebook-node');
    expect(node.app_data).toEqual({
      label: 'prep',
      component_parameters: {
        filename: 'prep.ipynb',
        runtime_image: 'tensorflow/tensorflow:2.8.0',
        env_vars: [
          { env_var: 'A', value: '1' },
          { env_var: 'B', value: 'two=2' }
        ],
        dependencies: ['data.csv'],
        include_subdirectories: true,
        custom_field: 'kept'
      },
      ui_data: { label: 'prep', x_pos: 10, y_pos: 20 }
    });
  });

  it('converts v7 secrets, annotations and tolerations strings', () => {
    const doc: any = JSON.parse(serializePipeline(load(`${CLI_DIR}/pipeline_with_scripts.pipeline`)));
    const params = doc.pipelines[0].nodes[0].app_data.component_parameters;
    params.kubernetes_secrets = ['DB_PASS=db-secret:password'];
    params.kubernetes_pod_annotations = ['team=data science'];
    params.kubernetes_tolerations = ['TOL_1=gpu:Equal:true:NoSchedule', 'TOL_2=:Exists::', 'broken'];
    doc.pipelines[0].app_data.properties.pipeline_defaults.env_vars = ['HOME_DIR=/data'];
    const { document, diagnostics } = migratePipeline(doc);
    const migrated = getNodes(getPrimaryPipeline(document))[0].app_data!.component_parameters!;
    expect(migrated.kubernetes_secrets).toEqual([{ env_var: 'DB_PASS', name: 'db-secret', key: 'password' }]);
    expect(migrated.kubernetes_pod_annotations).toEqual([{ key: 'team', value: 'data science' }]);
    expect(migrated.kubernetes_tolerations).toEqual([
      { key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
      { key: '', operator: 'Exists', value: '', effect: '' },
      'broken'
    ]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: 'warning', code: 'migration-failed', property: 'kubernetes_tolerations' });
    expect(getPrimaryPipeline(document)!.app_data!.properties!.pipeline_defaults!.env_vars).toEqual([
      { env_var: 'HOME_DIR', value: '/data' }
    ]);
  });

  it('returns version 8 documents unchanged (same object)', () => {
    const doc = load('elyra/cypress/fixtures/pipelines/producer-consumer.pipeline');
    const result = migratePipeline(doc);
    expect(result.document).toBe(doc);
    expect(result.fromVersion).toBe(8);
  });

  it('refuses files written by a newer Elyra', () => {
    const doc: any = load('elyra/cypress/fixtures/pipelines/producer-consumer.pipeline');
    doc.pipelines[0].app_data.version = 9;
    const result = migratePipeline(doc);
    expect(result.diagnostics[0]).toMatchObject({ severity: 'error', code: 'newer-version' });
    expect(result.diagnostics[0].message).toMatch(/newer Elyra/);
    const parsed = parsePipeline(JSON.stringify(doc));
    expect(parsed.document).toBeNull();
    expect(parsed.diagnostics[0].code).toBe('newer-version');
  });

  it('parsePipeline migrates and reports the version it found', () => {
    const result = parsePipeline(readFixture(`${VALIDATION_DIR}/generic_single_cycle.pipeline`));
    expect(result.fromVersion).toBe(7);
    expect(getPrimaryPipeline(result.document!)!.app_data!.version).toBe(8);
  });
});
