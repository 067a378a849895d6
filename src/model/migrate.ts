/**
 * Elyra's app_data migrations, versions 0..7 → 8, following
 * elyra-ai/pipeline-editor packages/pipeline-services/src/migration (what Elyra runs when
 * it opens an old file). Unknown fields always pass through; keys keep their position.
 *
 * Deliberate differences: steps that only make sense for old-shaped nodes are skipped on
 * nodes already in the new shape (so a hand-written file without a version is not
 * damaged), and "K=V" strings are split at the first separator rather than with Elyra's
 * regexes (which cut values containing " X=").
 */
import { isPlainObject } from './json';
import { basename } from './paths';
import { CURRENT_APP_DATA_VERSION, IDiagnostic, IPipeline, IPipelineFlowDocument } from './types';

export interface IMigrationResult {
  document: IPipelineFlowDocument;
  diagnostics: IDiagnostic[];
  /** The app_data version the document had; equal to 8 when nothing was migrated. */
  fromVersion: number;
}

type Json = Record<string, any>;

/** The pipeline that carries app_data.version (Elyra: the first one). */
function versionPipeline(doc: IPipelineFlowDocument): IPipeline | undefined {
  const primary = doc.pipelines.find(p => isPlainObject(p) && p.id === doc.primary_pipeline);
  if (primary && isPlainObject(primary.app_data) && primary.app_data.version !== undefined) {
    return primary;
  }
  return doc.pipelines.find(p => isPlainObject(p));
}

/** app_data version of a document (0 when absent, as in Elyra). */
export function getAppDataVersion(doc: IPipelineFlowDocument): unknown {
  const pipeline = versionPipeline(doc);
  return pipeline && isPlainObject(pipeline.app_data) ? (pipeline.app_data.version ?? 0) : 0;
}

export function migratePipeline(doc: IPipelineFlowDocument): IMigrationResult {
  const version = getAppDataVersion(doc);
  if (typeof version !== 'number' || Number.isNaN(version)) {
    return {
      document: doc,
      fromVersion: NaN,
      diagnostics: [
        {
          severity: 'error',
          code: 'invalid-version',
          message: `The pipeline's app_data version is ${JSON.stringify(version)}, not a number.`
        }
      ]
    };
  }
  if (version > CURRENT_APP_DATA_VERSION) {
    return {
      document: doc,
      fromVersion: version,
      diagnostics: [
        {
          severity: 'error',
          code: 'newer-version',
          message: `This pipeline was written by a newer Elyra (app_data version ${version}); versions up to ${CURRENT_APP_DATA_VERSION} are supported. Open it as text, or update.`
        }
      ]
    };
  }
  if (version === CURRENT_APP_DATA_VERSION) {
    return { document: doc, diagnostics: [], fromVersion: version };
  }
  const draft: Json = JSON.parse(JSON.stringify(doc));
  const diagnostics: IDiagnostic[] = [];
  const pipelines: Json[] = draft.pipelines.filter(isPlainObject);
  for (const pipeline of pipelines) {
    if (!Array.isArray(pipeline.nodes)) {
      pipeline.nodes = [];
    }
  }
  const nodes = (): Json[] => pipelines.flatMap(p => p.nodes.filter(isPlainObject));

  if (version < 1) {
    migrateV1(pipelines);
  }
  if (version < 2) {
    migrateV2(nodes(), diagnostics);
  }
  // v3 is a no-op in Elyra: it only stopped old releases from opening script nodes.
  if (version < 4) {
    migrateV4(nodes());
  }
  if (version < 5) {
    renameOps(nodes(), OPS_V5);
  }
  const first = versionPipeline(draft as IPipelineFlowDocument) as Json;
  if (!isPlainObject(first.app_data)) {
    first.app_data = {};
  }
  if (version < 6) {
    migrateV6(first.app_data, nodes());
  }
  if (version < 7 && first.app_data.runtime_type === 'KUBEFLOW_PIPELINES') {
    // v7 moved KFP component inputs to the OneOfControl shape (v8 then rewrites it).
    for (const node of nodes()) {
      wrapOneOfControls(node);
    }
  }
  migrateV8(pipelines, diagnostics);
  first.app_data.version = CURRENT_APP_DATA_VERSION;
  return { document: draft as IPipelineFlowDocument, diagnostics, fromVersion: version };
}

/** Renames a key in place, keeping its position among the other keys. */
function renameKey(object: Json, from: string, to: string): void {
  if (!Object.prototype.hasOwnProperty.call(object, from)) {
    return;
  }
  const entries = Object.entries(object).filter(([key]) => key !== to);
  for (const key of Object.keys(object)) {
    delete object[key];
  }
  for (const [key, value] of entries) {
    object[key === from ? to : key] = value;
  }
}

function migrateV1(pipelines: Json[]): void {
  for (const pipeline of pipelines) {
    if (isPlainObject(pipeline.app_data)) {
      renameKey(pipeline.app_data, 'title', 'name');
      delete pipeline.app_data.export;
      delete pipeline.app_data.export_format;
      delete pipeline.app_data.export_path;
    }
    for (const node of pipeline.nodes.filter(isPlainObject)) {
      if (node.type === 'pipeline_node') {
        node.type = 'execution_node';
      }
      if (node.op === undefined) {
        node.op = 'execute-notebook-node';
      }
      if (isPlainObject(node.app_data) && !isPlainObject(node.app_data.component_parameters)) {
        const renames: [string, string][] = [
          ['notebook', 'filename'],
          ['artifact', 'filename'],
          ['docker_image', 'runtime_image'],
          ['image', 'runtime_image'],
          ['vars', 'env_vars'],
          ['file_dependencies', 'dependencies'],
          ['recursive_dependencies', 'include_subdirectories']
        ];
        for (const [from, to] of renames) {
          renameKey(node.app_data, from, to);
        }
      }
    }
  }
}

function migrateV2(nodes: Json[], diagnostics: IDiagnostic[]): void {
  // Elyra 1.x stored paths differently; Elyra makes them relative to the pipeline with the
  // help of the file browser, or keeps only the file name. We can only do the latter.
  for (const node of nodes) {
    const appData = node.app_data;
    if (isPlainObject(appData) && !isPlainObject(appData.component_parameters) && typeof appData.filename === 'string') {
      const name = basename(appData.filename);
      if (name !== appData.filename) {
        diagnostics.push({
          severity: 'warning',
          code: 'migrated-path',
          message: `Node ${String(node.id)}: file "${appData.filename}" was reduced to "${name}" while upgrading an Elyra 1.x pipeline; check the node's file.`,
          nodeId: String(node.id),
          property: 'filename'
        });
        appData.filename = name;
      }
    }
  }
}

function migrateV4(nodes: Json[]): void {
  // Node properties moved from app_data into app_data.component_parameters.
  for (const node of nodes) {
    if (node.type !== 'execution_node' || !isPlainObject(node.app_data) || isPlainObject(node.app_data.component_parameters)) {
      continue;
    }
    const { ui_data: uiData, ...parameters } = node.app_data;
    node.app_data = {
      label: isPlainObject(uiData) && uiData.label !== undefined ? uiData.label : '',
      component_parameters: parameters,
      ui_data: isPlainObject(uiData) ? uiData : {}
    };
  }
}

const OPS_V5: Record<string, string> = {
  'run-notebook-using-papermill': 'run_notebook_using_papermill_Runnotebookusingpapermill',
  'filter-text': 'filter_text_using_shell_and_grep_Filtertext',
  'bash-operator_BashOperator': 'bash_operator_BashOperator',
  'email-operator_EmailOperator': 'email_operator_EmailOperator',
  'http-operator_SimpleHttpOperator': 'http_operator_SimpleHttpOperator',
  'spark-sql-operator_SparkSqlOperator': 'spark_sql_operator_SparkSqlOperator',
  'spark-submit-operator_SparkSubmitOperator': 'spark_submit_operator_SparkSubmitOperator',
  'slack-operator_SlackAPIPostOperator': 'slack_operator_SlackAPIPostOperator'
};

const OPS_V6: Record<string, string> = {
  run_notebook_using_papermill_Runnotebookusingpapermill: 'elyra-kfp-examples-catalog:61e6f4141f65',
  filter_text_using_shell_and_grep_Filtertext: 'elyra-kfp-examples-catalog:737915b826e9',
  component_Downloaddata: 'elyra-kfp-examples-catalog:a08014f9252f',
  component_Calculatedatahash: 'elyra-kfp-examples-catalog:d68ec7fcdf46',
  bash_operator_BashOperator: 'elyra-airflow-examples-catalog:3a55d015ea96',
  email_operator_EmailOperator: 'elyra-airflow-examples-catalog:a043648d3897',
  http_operator_SimpleHttpOperator: 'elyra-airflow-examples-catalog:b94cd49692e2',
  spark_sql_operator_SparkSqlOperator: 'elyra-airflow-examples-catalog:3b639742748f',
  spark_submit_operator_SparkSubmitOperator: 'elyra-airflow-examples-catalog:b29c25ec8bd6',
  slack_operator_SlackAPIPostOperator: 'elyra-airflow-examples-catalog:16a204f716a2'
};

/**
 * Inputs of Elyra's example components that used a OneOfControl before v8, with the
 * control their plain value belonged to (from Elyra's palette as of v7).
 */
const ONE_OF_CONTROLS: Record<string, Record<string, string>> = {
  'elyra-kfp-examples-catalog:d68ec7fcdf46': { hash_algorithm: 'StringControl' },
  'elyra-kfp-examples-catalog:a08014f9252f': { url: 'StringControl', curl_options: 'StringControl' },
  'elyra-kfp-examples-catalog:737915b826e9': { pattern: 'StringControl' },
  'elyra-kfp-examples-catalog:61e6f4141f65': {
    parameters: 'StringControl',
    packages_to_install: 'StringControl',
    input_data: 'StringControl'
  },
  'elyra-airflow-examples-catalog:3a55d015ea96': {
    bash_command: 'StringControl',
    xcom_push: 'BooleanControl',
    env: 'StringControl',
    output_encoding: 'StringControl'
  },
  'elyra-airflow-examples-catalog:a043648d3897': Object.fromEntries(
    ['to', 'subject', 'html_content', 'files', 'cc', 'bcc', 'mime_subtype', 'mime_charset'].map(k => [k, 'StringControl'])
  ),
  'elyra-airflow-examples-catalog:b94cd49692e2': {
    ...Object.fromEntries(
      ['endpoint', 'method', 'data', 'headers', 'response_check', 'extra_options', 'http_conn_id'].map(k => [k, 'StringControl'])
    ),
    xcom_push: 'BooleanControl',
    log_response: 'BooleanControl'
  },
  'elyra-airflow-examples-catalog:16a204f716a2': Object.fromEntries(
    ['slack_conn_id', 'token', 'api_params', 'channel', 'username', 'text', 'icon_url', 'attachments', 'blocks'].map(k => [
      k,
      'StringControl'
    ])
  ),
  'elyra-airflow-examples-catalog:3b639742748f': {
    ...Object.fromEntries(
      ['sql', 'conf', 'conn_id', 'executor_memory', 'keytab', 'principal', 'master', 'name', 'yarn_queue'].map(k => [k, 'StringControl'])
    ),
    total_executor_cores: 'NumberControl',
    executor_cores: 'NumberControl',
    num_executors: 'NumberControl',
    verbose: 'BooleanControl'
  },
  'elyra-airflow-examples-catalog:b29c25ec8bd6': {
    ...Object.fromEntries(
      [
        'application', 'conf', 'conn_id', 'files', 'py_files', 'archives', 'driver_class_path', 'jars', 'java_class',
        'packages', 'exclude_packages', 'repositories', 'executor_memory', 'driver_memory', 'keytab', 'principal',
        'proxy_user', 'name', 'application_args', 'env_vars', 'spark_binary'
      ].map(k => [k, 'StringControl'])
    ),
    total_executor_cores: 'NumberControl',
    executor_cores: 'NumberControl',
    num_executors: 'NumberControl',
    status_poll_interval: 'NumberControl',
    verbose: 'BooleanControl'
  }
};

function renameOps(nodes: Json[], map: Record<string, string>): void {
  for (const node of nodes) {
    if (typeof node.op === 'string' && Object.prototype.hasOwnProperty.call(map, node.op)) {
      node.op = map[node.op];
    }
  }
}

function wrapOneOfControls(node: Json): void {
  const controls = typeof node.op === 'string' ? ONE_OF_CONTROLS[node.op] : undefined;
  const parameters = isPlainObject(node.app_data) ? node.app_data.component_parameters : undefined;
  if (!controls || !isPlainObject(parameters)) {
    return;
  }
  for (const key of Object.keys(parameters)) {
    const control = controls[key];
    const value = parameters[key];
    // Values already in a later shape (hand-edited files) are left alone.
    const alreadyWrapped = isPlainObject(value) && ('activeControl' in value || 'widget' in value);
    if (control && !alreadyWrapped) {
      parameters[key] = { activeControl: control, [control]: parameters[key] };
    }
  }
}

function migrateV6(appData: Json, nodes: Json[]): void {
  const runtimeTypes: Record<string, string> = { kfp: 'KUBEFLOW_PIPELINES', airflow: 'APACHE_AIRFLOW' };
  // Elyra always replaces `runtime`; we keep values it would not recognise.
  if (typeof appData.runtime === 'string' && runtimeTypes[appData.runtime]) {
    appData.runtime_type = runtimeTypes[appData.runtime];
    delete appData.runtime;
  }
  for (const node of nodes) {
    if (typeof node.op !== 'string' || !Object.prototype.hasOwnProperty.call(OPS_V6, node.op)) {
      continue;
    }
    const op = OPS_V6[node.op];
    node.op = op;
    const [catalogType, hash] = op.split(':');
    if (isPlainObject(node.app_data) && typeof node.app_data.component_source === 'string') {
      let componentId = basename(node.app_data.component_source);
      if (componentId === 'component.yaml' && hash === 'a08014f9252f') {
        componentId = 'download_data.yaml';
      } else if (componentId === 'component.yaml' && hash === 'd68ec7fcdf46') {
        componentId = 'calculate_hash.yaml';
      }
      node.app_data.component_source = JSON.stringify({
        catalog_type: catalogType,
        component_ref: { 'component-id': componentId }
      });
    }
    if (appData.runtime_type === 'APACHE_AIRFLOW') {
      wrapOneOfControls(node);
    }
  }
}

const WIDGETS: Record<string, string> = {
  BooleanControl: 'boolean',
  NumberControl: 'number',
  NestedEnumControl: 'inputpath',
  StringControl: 'string'
};

/** Splits at the first occurrence of `separator`; [text, ''] if absent. */
function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** v7 list entries were "K=V"-style strings; v8 stores objects. */
const LIST_ITEM_PARSERS: Record<string, (text: string) => Json | null> = {
  env_vars: text => {
    const [name, value] = splitOnce(text, '=');
    return { env_var: name.trim(), value: value.trim() };
  },
  kubernetes_secrets: text => {
    const [name, ref] = splitOnce(text, '=');
    const [secret, key] = splitOnce(ref, ':');
    return { env_var: name.trim(), name: secret.trim(), key: key.trim() };
  },
  mounted_volumes: text => {
    const [path, pvc] = splitOnce(text, '=');
    return { path: path.trim(), pvc_name: pvc.trim() };
  },
  kubernetes_pod_annotations: text => {
    const [key, value] = splitOnce(text, '=');
    return { key: key.trim(), value: value.trim() };
  },
  kubernetes_pod_labels: text => {
    const [key, value] = splitOnce(text, '=');
    return { key: key.trim(), value: value.trim() };
  },
  kubernetes_tolerations: text => {
    // "TOL_ID=key:operator:value:effect"
    const [, spec] = splitOnce(text, '=');
    const parts = spec.split(':');
    if (parts.length < 4) {
      return null;
    }
    const [key, operator, value] = parts;
    return { key: key.trim(), operator: operator.trim(), value: value.trim(), effect: parts.slice(3).join(':').trim() };
  }
};

function convertListItems(values: Json, where: string, nodeId: string | undefined, diagnostics: IDiagnostic[]): void {
  for (const key of Object.keys(values)) {
    const parse = LIST_ITEM_PARSERS[key];
    if (!parse || !Array.isArray(values[key])) {
      continue;
    }
    values[key] = values[key].map((item: unknown) => {
      if (typeof item !== 'string') {
        return item;
      }
      const parsed = parse(item);
      if (parsed === null) {
        diagnostics.push({
          severity: 'warning',
          code: 'migration-failed',
          message: `${where}, property "${key}": could not convert ${JSON.stringify(item)} to the current format; it is kept as written.`,
          ...(nodeId ? { nodeId } : {}),
          property: key
        });
        return item;
      }
      return parsed;
    });
  }
}

function migrateV8(pipelines: Json[], diagnostics: IDiagnostic[]): void {
  for (const pipeline of pipelines) {
    const defaults = isPlainObject(pipeline.app_data) && isPlainObject(pipeline.app_data.properties)
      ? pipeline.app_data.properties.pipeline_defaults
      : undefined;
    if (isPlainObject(defaults)) {
      convertListItems(defaults, 'Pipeline defaults', undefined, diagnostics);
    }
    for (const node of pipeline.nodes.filter(isPlainObject)) {
      const parameters = isPlainObject(node.app_data) ? node.app_data.component_parameters : undefined;
      if (!isPlainObject(parameters)) {
        continue;
      }
      for (const key of Object.keys(parameters)) {
        const value = parameters[key];
        if (isPlainObject(value) && typeof value.activeControl === 'string') {
          parameters[key] = { widget: WIDGETS[value.activeControl] ?? value.activeControl, value: value[value.activeControl] };
        } else if (isPlainObject(value) && Object.keys(value).length === 2 && 'option' in value && 'value' in value) {
          parameters[key] = { widget: 'inputpath', value };
        }
      }
      convertListItems(parameters, `Node ${String(node.id)}`, typeof node.id === 'string' ? node.id : undefined, diagnostics);
    }
  }
}
