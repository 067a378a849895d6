/**
 * The runtime-configuration form: a JSON schema mirroring the pydantic models
 * `CreateRuntimeConfig` / `UpdateRuntimeConfig` (jupyterlab_tekton/models.py), and the
 * conversions between the server's `DescribeRuntimeConfig` and the form data.
 *
 * Secrets are write-only: the form data never holds a stored value (the server never
 * sends one); an empty secret field keeps what is stored, a typed one replaces it.
 */
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import type { Tekton } from '../services';

/** The form's data: the wire fields, with secrets only when the user typed them. */
export interface IConfigFormData extends Tekton.IRuntimeConfigFields, Tekton.IRuntimeConfigSecrets {
  name?: string;
  /** Stored secrets to remove on save (the only way to clear one). */
  clear_secrets?: boolean;
}

const K8S_NAME = '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$';
const URL = '^https?://[^\\s/]+(/\\S*)?$';

/** Names of the fields whose values are never shown. */
export const SECRET_FIELDS = ['access_key_id', 'secret_access_key'] as const;

export const configSchema: RJSFSchema = {
  type: 'object',
  required: ['name', 'namespace', 'storage_endpoint', 'bucket'],
  properties: {
    name: {
      type: 'string',
      title: 'Name',
      description: 'Identifies the configuration (letters, digits, ".", "_", "-").',
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'
    },
    display_name: { type: 'string', title: 'Display name', default: '' },
    description: { type: 'string', title: 'Description', default: '' },
    in_cluster: {
      type: 'boolean',
      title: 'In-cluster service account',
      description: 'JupyterLab runs in a pod: use its service account instead of a kubeconfig.',
      default: false
    },
    kube_context: {
      type: 'string',
      title: 'Kubeconfig context',
      description: 'A context of the server’s kubeconfig (default: the current context).'
    },
    kubeconfig: {
      type: 'string',
      title: 'Kubeconfig file',
      description: 'Path on the server (default: $KUBECONFIG, else ~/.kube/config).'
    },
    namespace: { type: 'string', title: 'Namespace', default: 'default', pattern: K8S_NAME },
    service_account: {
      type: 'string',
      title: 'Service account',
      description: 'The service account the PipelineRun’s pods use.',
      pattern: K8S_NAME
    },
    storage_endpoint: {
      type: 'string',
      title: 'Object storage endpoint',
      description: 'As the task pods reach it, e.g. http://minio.minio:9000.',
      pattern: URL
    },
    storage_server_endpoint: {
      type: 'string',
      title: 'Object storage endpoint (server)',
      description: 'As this Jupyter server reaches it, when different.',
      pattern: URL
    },
    bucket: { type: 'string', title: 'Bucket', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' },
    region: { type: 'string', title: 'Region' },
    storage_secret_name: {
      type: 'string',
      title: 'Storage secret',
      description: 'Kubernetes Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for the task pods.',
      pattern: K8S_NAME
    },
    credentials_mode: {
      type: 'string',
      title: 'Upload credentials',
      description: 'How this server authenticates to the object storage for uploads.',
      enum: ['env', 'profile', 'keys'],
      default: 'env'
    },
    aws_profile: { type: 'string', title: 'AWS profile' },
    access_key_id: { type: 'string', title: 'Access key id' },
    secret_access_key: { type: 'string', title: 'Secret access key' },
    clear_secrets: {
      type: 'boolean',
      title: 'Remove the stored keys',
      default: false
    },
    default_runtime_image: {
      type: 'string',
      title: 'Default runtime image',
      description: 'For nodes that set none and pipelines without a default.'
    },
    transfer_image: { type: 'string', title: 'Transfer image', description: 'Image of the fetch/save steps.' },
    dashboard_url: { type: 'string', title: 'Tekton Dashboard URL', pattern: URL },
    console_url: { type: 'string', title: 'OpenShift console URL', pattern: URL }
  }
};

/** Human messages for the schema's patterns and required fields. */
const PATTERN_MESSAGES: Record<string, string> = {
  name: 'must start with a letter or digit and contain only letters, digits, ".", "_" or "-" (at most 63)',
  namespace: 'is not a valid Kubernetes name (lowercase letters, digits, "-", ".")',
  service_account: 'is not a valid Kubernetes name (lowercase letters, digits, "-", ".")',
  storage_secret_name: 'is not a valid Kubernetes name (lowercase letters, digits, "-", ".")',
  bucket: 'is not a valid S3 bucket name (3–63 lowercase letters, digits, "-", ".")',
  storage_endpoint: 'is not an http(s) URL',
  storage_server_endpoint: 'is not an http(s) URL',
  dashboard_url: 'is not an http(s) URL',
  console_url: 'is not an http(s) URL'
};

/** rjsf `transformErrors`: name the field and say what is wrong in words. */
export function transformErrors<T extends { name?: string; property?: string; message?: string; params?: any }>(
  errors: T[]
): T[] {
  return errors.map(error => {
    const field = (error.property ?? '').replace(/^\./, '');
    const title = (configSchema.properties?.[field] as RJSFSchema | undefined)?.title ?? field;
    if (error.name === 'pattern' && PATTERN_MESSAGES[field]) {
      return { ...error, message: `${title} ${PATTERN_MESSAGES[field]}` };
    }
    if (error.name === 'required') {
      const missing = String(error.params?.missingProperty ?? field);
      const missingTitle = (configSchema.properties?.[missing] as RJSFSchema | undefined)?.title ?? missing;
      return { ...error, message: `${missingTitle} is required` };
    }
    return error;
  });
}

/** The schema as the form shows it: secret fields say whether a value is stored, never which. */
export function configFormSchema(
  existing: Tekton.IDescribeRuntimeConfig | null,
  trans: { __: (msg: string, ...args: any[]) => string }
): RJSFSchema {
  const secretHelp = (stored: boolean) =>
    existing
      ? stored
        ? trans.__('Set. Leave empty to keep the stored value, type to replace it.')
        : trans.__('Not set.')
      : trans.__('Used with upload credentials "keys". Stored on the server (file mode 0600), never shown again.');
  const properties = { ...(configSchema.properties as Record<string, RJSFSchema>) };
  properties.access_key_id = { ...properties.access_key_id, description: secretHelp(!!existing?.has_access_key_id) };
  properties.secret_access_key = {
    ...properties.secret_access_key,
    description: secretHelp(!!existing?.has_secret_key)
  };
  return { ...configSchema, properties };
}

/** The form's layout. */
export function configUiSchema(existing: Tekton.IDescribeRuntimeConfig | null, trans: { __: (msg: string, ...args: any[]) => string }): UiSchema {
  return {
    'ui:order': [
      'name',
      'display_name',
      'description',
      'in_cluster',
      'kube_context',
      'kubeconfig',
      'namespace',
      'service_account',
      'storage_endpoint',
      'storage_server_endpoint',
      'bucket',
      'region',
      'storage_secret_name',
      'credentials_mode',
      'aws_profile',
      'access_key_id',
      'secret_access_key',
      'clear_secrets',
      'default_runtime_image',
      'transfer_image',
      'dashboard_url',
      'console_url'
    ],
    name: { 'ui:disabled': !!existing },
    description: { 'ui:widget': 'textarea', 'ui:options': { rows: 2 } },
    credentials_mode: {
      'ui:enumNames': [
        trans.__('Server environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)'),
        trans.__('AWS profile of the server’s user'),
        trans.__('Keys stored with this configuration')
      ]
    },
    access_key_id: {
      'ui:widget': 'password',
      'ui:options': { autocomplete: 'off' }
    },
    secret_access_key: {
      'ui:widget': 'password',
      'ui:options': { autocomplete: 'new-password' }
    },
    clear_secrets: existing && (existing.has_access_key_id || existing.has_secret_key) ? {} : { 'ui:widget': 'hidden' }
  };
}

/** Form data for an existing configuration: its public fields only. */
export function formDataFromConfig(config: Tekton.IDescribeRuntimeConfig | null): IConfigFormData {
  if (!config) {
    return { namespace: 'default', credentials_mode: 'env', in_cluster: false };
  }
  const data: IConfigFormData = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'has_access_key_id' || key === 'has_secret_key' || key === 'updated') {
      continue;
    }
    if (value !== null && value !== undefined) {
      (data as Record<string, unknown>)[key] = value;
    }
  }
  // Defensive: whatever the server sends, a secret value never reaches the form.
  for (const secret of SECRET_FIELDS) {
    delete data[secret];
  }
  return data;
}

/**
 * The request body from the form: empty optional fields become null, blank secrets are
 * left out (keep the stored value) unless the user asked to remove them ('' clears).
 */
export function requestFromFormData(data: IConfigFormData): Tekton.ICreateRuntimeConfig {
  const body: Record<string, unknown> = {};
  const required = new Set(configSchema.required ?? []);
  for (const key of Object.keys(configSchema.properties ?? {})) {
    if (key === 'clear_secrets' || (SECRET_FIELDS as readonly string[]).includes(key)) {
      continue;
    }
    const value = (data as Record<string, unknown>)[key];
    if (typeof value === 'string') {
      const trimmed = value.trim();
      body[key] = trimmed || (required.has(key) || key === 'display_name' || key === 'description' ? '' : null);
    } else if (value !== undefined) {
      body[key] = value;
    } else if (key !== 'name' && !required.has(key) && key !== 'in_cluster' && key !== 'credentials_mode') {
      body[key] = key === 'display_name' || key === 'description' ? '' : null;
    }
  }
  for (const secret of SECRET_FIELDS) {
    const value = data[secret];
    if (value) {
      body[secret] = value;
    } else if (data.clear_secrets) {
      body[secret] = '';
    }
  }
  return body as unknown as Tekton.ICreateRuntimeConfig;
}

/** One problem in the form: the field (empty for the whole form) and what is wrong. */
export interface IFieldError {
  field: string;
  message: string;
}

/** Error messages keyed by field, as rjsf's `extraErrors` wants them. */
export function errorSchemaOf(errors: ReadonlyArray<IFieldError>): Record<string, { __errors: string[] }> {
  const schema: Record<string, { __errors: string[] }> = {};
  for (const { field, message } of errors) {
    const key = field || 'name';
    (schema[key] ??= { __errors: [] }).__errors.push(message);
  }
  return schema;
}

/** The server's validation reply (`details.errors[].loc` like "body.bucket") as field errors. */
export function serverFieldErrors(details: Tekton.IErrorDetails | undefined, message: string): IFieldError[] {
  const errors = details?.errors ?? [];
  const known = new Set(Object.keys(configSchema.properties ?? {}));
  const located = errors
    .map(e => ({ field: String(e.loc ?? '').split('.').find(part => known.has(part)) ?? '', message: e.message }))
    .filter(e => e.field);
  if (located.length) {
    return located;
  }
  if (details?.property && known.has(details.property)) {
    return [{ field: details.property, message }];
  }
  return [];
}
