/**
 * JSON Schemas (draft-07) for node and pipeline properties. The editor's properties form
 * is generated from them (rjsf) and validation checks values against the same schemas
 * (see schemaCheck.ts), so the form and the validator cannot disagree.
 *
 * Node form data is `{ label, ...component_parameters }`; pipeline form data is
 * `app_data.properties`. Non-standard `errorMessage` entries (ajv-errors convention)
 * give readable messages for patterns.
 */
import { IMAGE_REFERENCE_PATTERN } from './image';
import {
  DNS1123_SUBDOMAIN_PATTERN,
  DURATION_PATTERN,
  ENV_VAR_NAME_PATTERN,
  LABEL_VALUE_PATTERN,
  QUALIFIED_NAME_PATTERN,
  QUANTITY_PATTERN,
  SECRET_KEY_PATTERN
} from './kubernetes';

/** The subset of JSON Schema we write and check. */
export interface IJsonSchema {
  $schema?: string;
  title?: string;
  description?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  properties?: Record<string, IJsonSchema>;
  required?: string[];
  items?: IJsonSchema;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  uniqueItems?: boolean;
  errorMessage?: { pattern?: string };
  [key: string]: unknown;
}

export type JsonSchemaType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** Python identifiers (ASCII), as Elyra requires for pipeline parameter names. */
export const PARAMETER_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

const keyValueItem = (keyTitle: string, keyPattern: string, valuePattern?: string): IJsonSchema => ({
  type: 'object',
  properties: {
    key: {
      type: 'string',
      title: keyTitle,
      pattern: keyPattern,
      errorMessage: {
        pattern:
          'must be an optional DNS prefix and "/" followed by letters, digits, "-", "_" or ".", starting and ending with a letter or digit'
      }
    },
    value: valuePattern
      ? {
          type: 'string',
          title: 'Value',
          maxLength: 63,
          pattern: valuePattern,
          errorMessage: {
            pattern:
              'must be empty or letters, digits, "-", "_" and ".", starting and ending with a letter or digit'
          }
        }
      : { type: 'string', title: 'Value' }
  },
  required: ['key']
});

const resourceQuantity = (title: string, description: string): IJsonSchema => ({
  type: ['number', 'string'],
  title,
  description,
  exclusiveMinimum: 0,
  pattern: QUANTITY_PATTERN,
  errorMessage: { pattern: 'must be a positive number or a Kubernetes quantity such as 500m or 2Gi' }
});

/** Properties that may also be set as pipeline defaults (and are inherited by nodes). */
const inheritableProperties: Record<string, IJsonSchema> = {
  runtime_image: {
    type: 'string',
    title: 'Runtime image',
    description:
      'Container image the file runs in, e.g. quay.io/jupyter/scipy-notebook:2024-10-07. Any image with python3 runs notebooks and Python scripts; R needs Rscript (and IRkernel for R notebooks).',
    pattern: IMAGE_REFERENCE_PATTERN,
    errorMessage: { pattern: 'must be an image reference such as registry/owner/image:tag (repository in lower case)' }
  },
  env_vars: {
    type: 'array',
    title: 'Environment variables',
    description: 'Set in the container before the file runs. Entries without a value are ignored.',
    default: [],
    items: {
      type: 'object',
      properties: {
        env_var: {
          type: 'string',
          title: 'Name',
          pattern: ENV_VAR_NAME_PATTERN,
          errorMessage: { pattern: 'must start with a letter, "_", "-" or "." and contain only letters, digits, "_", "-" and "."' }
        },
        value: { type: 'string', title: 'Value' }
      },
      required: ['env_var']
    }
  },
  kubernetes_secrets: {
    type: 'array',
    title: 'Kubernetes secrets',
    description:
      'Secret keys exposed as environment variables. The Secret must exist in the namespace the pipeline runs in.',
    default: [],
    items: {
      type: 'object',
      properties: {
        env_var: {
          type: 'string',
          title: 'Environment variable',
          pattern: ENV_VAR_NAME_PATTERN,
          errorMessage: { pattern: 'must start with a letter, "_", "-" or "." and contain only letters, digits, "_", "-" and "."' }
        },
        name: {
          type: 'string',
          title: 'Secret name',
          maxLength: 253,
          pattern: DNS1123_SUBDOMAIN_PATTERN,
          errorMessage: { pattern: 'must be a Kubernetes resource name: lower-case letters, digits, "-" and "."' }
        },
        key: {
          type: 'string',
          title: 'Secret key',
          pattern: SECRET_KEY_PATTERN,
          errorMessage: { pattern: 'may contain only letters, digits, "-", "_" and "."' }
        }
      },
      required: ['env_var', 'name', 'key']
    }
  },
  mounted_volumes: {
    type: 'array',
    title: 'Data volumes',
    description: 'Persistent volume claims mounted into the container. The claims must exist in the namespace.',
    default: [],
    items: {
      type: 'object',
      properties: {
        path: {
          type: 'string',
          // No pattern: Elyra mounts a relative path below "/" (validation warns).
          title: 'Mount path'
        },
        pvc_name: {
          type: 'string',
          title: 'Persistent volume claim',
          maxLength: 253,
          pattern: DNS1123_SUBDOMAIN_PATTERN,
          errorMessage: { pattern: 'must be a Kubernetes resource name: lower-case letters, digits, "-" and "."' }
        },
        sub_path: {
          type: 'string',
          title: 'Sub path',
          pattern: '^(?!/)',
          errorMessage: { pattern: 'must be a relative path within the volume' }
        },
        read_only: { type: 'boolean', title: 'Read only', default: false }
      },
      required: ['path', 'pvc_name']
    }
  },
  kubernetes_pod_labels: {
    type: 'array',
    title: 'Pod labels',
    description: 'Labels added to the pod that runs the node.',
    default: [],
    items: keyValueItem('Label key', QUALIFIED_NAME_PATTERN, LABEL_VALUE_PATTERN)
  },
  kubernetes_pod_annotations: {
    type: 'array',
    title: 'Pod annotations',
    description: 'Annotations added to the pod that runs the node.',
    default: [],
    items: keyValueItem('Annotation key', QUALIFIED_NAME_PATTERN)
  },
  kubernetes_tolerations: {
    type: 'array',
    title: 'Tolerations',
    description: 'Kubernetes tolerations of the pod that runs the node.',
    default: [],
    items: {
      type: 'object',
      properties: {
        key: { type: 'string', title: 'Key' },
        operator: { type: 'string', title: 'Operator', enum: ['Equal', 'Exists'], default: 'Equal' },
        value: { type: 'string', title: 'Value' },
        effect: {
          type: 'string',
          title: 'Effect',
          enum: ['', 'NoExecute', 'NoSchedule', 'PreferNoSchedule']
        }
      },
      required: ['operator']
    }
  },
  kubernetes_shared_mem_size: {
    type: 'object',
    title: 'Shared memory size',
    description: 'Size of /dev/shm (in GB); empty keeps the container runtime default.',
    properties: {
      size: { type: 'number', title: 'Size', minimum: 0 },
      units: { type: 'string', title: 'Units', enum: ['G'], default: 'G' }
    }
  },
  node_selector: {
    type: 'array',
    title: 'Node selector',
    description: 'Kubernetes node labels the pod must be scheduled on.',
    default: [],
    items: keyValueItem('Node label key', QUALIFIED_NAME_PATTERN, LABEL_VALUE_PATTERN)
  },
  timeout: {
    type: ['string', 'number'],
    title: 'Timeout',
    description: 'Maximum run time of the node: minutes, or a duration such as 1h30m.',
    exclusiveMinimum: 0,
    pattern: `(${DURATION_PATTERN})|(^[0-9]+(\\.[0-9]+)?$)`,
    errorMessage: { pattern: 'must be a number of minutes or a duration such as 45m or 1h30m' }
  },
  retries: {
    type: 'integer',
    title: 'Retries',
    description: 'How many times Tekton retries the node after a failure.',
    minimum: 0,
    maximum: 100
  }
};

export const nodePropertiesSchema: IJsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Node properties',
  type: 'object',
  properties: {
    label: {
      type: 'string',
      title: 'Label',
      description: 'Name shown on the canvas; also the base of the Tekton task name. Defaults to the file name.'
    },
    filename: {
      type: 'string',
      title: 'File',
      description: 'Notebook (.ipynb), Python (.py) or R (.r) file, relative to the pipeline file.'
    },
    runtime_image: inheritableProperties.runtime_image,
    cpu: resourceQuantity('CPU request', 'Number of CPUs (e.g. 0.5) or a quantity such as 500m.'),
    cpu_limit: resourceQuantity('CPU limit', 'Number of CPUs or a quantity; at least the request.'),
    memory: resourceQuantity('Memory request', 'Gigabytes (e.g. 2) or a quantity such as 512Mi.'),
    memory_limit: resourceQuantity('Memory limit', 'Gigabytes or a quantity; at least the request.'),
    gpu: {
      type: 'integer',
      title: 'GPUs',
      description: 'Number of GPUs (0 for none).',
      minimum: 0
    },
    gpu_vendor: {
      type: 'string',
      title: 'GPU resource name',
      description: 'Extended resource that provides the GPUs, e.g. nvidia.com/gpu or amd.com/gpu.',
      pattern: QUALIFIED_NAME_PATTERN,
      errorMessage: { pattern: 'must be a Kubernetes resource name such as nvidia.com/gpu' }
    },
    env_vars: inheritableProperties.env_vars,
    dependencies: {
      type: 'array',
      title: 'File dependencies',
      description: 'Files or globs (relative to the node file) copied next to it before it runs.',
      default: [],
      items: { type: 'string' }
    },
    include_subdirectories: {
      type: 'boolean',
      title: 'Include subdirectories',
      description: 'Also copy matching files from subdirectories of the dependencies.',
      default: false
    },
    outputs: {
      type: 'array',
      title: 'Output files',
      description: 'Files the node produces (relative to its working directory), made available to downstream nodes.',
      default: [],
      items: { type: 'string' }
    },
    kubernetes_secrets: inheritableProperties.kubernetes_secrets,
    mounted_volumes: inheritableProperties.mounted_volumes,
    kubernetes_pod_labels: inheritableProperties.kubernetes_pod_labels,
    kubernetes_pod_annotations: inheritableProperties.kubernetes_pod_annotations,
    kubernetes_tolerations: inheritableProperties.kubernetes_tolerations,
    kubernetes_shared_mem_size: inheritableProperties.kubernetes_shared_mem_size,
    node_selector: inheritableProperties.node_selector,
    timeout: inheritableProperties.timeout,
    retries: inheritableProperties.retries,
    pipeline_parameters: {
      type: 'array',
      title: 'Pipeline parameters',
      description: 'Pipeline parameters this node receives (notebooks: injected after the "parameters" cell; scripts: environment variables).',
      default: [],
      uniqueItems: true,
      items: { type: 'string' }
    }
  }
};

/** Node properties whose pipeline default applies when the node leaves them empty. */
export const INHERITABLE_PROPERTIES: readonly string[] = Object.keys(inheritableProperties);

export const pipelineParameterSchema: IJsonSchema = {
  type: 'object',
  properties: {
    name: {
      type: 'string',
      title: 'Name',
      minLength: 1,
      pattern: PARAMETER_NAME_PATTERN,
      errorMessage: { pattern: 'must be a valid identifier: letters, digits and "_", not starting with a digit' }
    },
    description: { type: 'string', title: 'Description' },
    default_value: {
      type: 'object',
      title: 'Default value',
      properties: {
        type: { type: 'string', title: 'Type', enum: ['String', 'Integer', 'Float', 'Bool'], default: 'String' },
        value: { type: ['string', 'number', 'boolean'], title: 'Value' }
      },
      required: ['type']
    },
    value: { type: ['string', 'number', 'boolean'], title: 'Value' },
    required: { type: 'boolean', title: 'Required', default: false }
  },
  required: ['name']
};

export const pipelinePropertiesSchema: IJsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Pipeline properties',
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name', description: 'Pipeline name; also the base of the Tekton PipelineRun name.' },
    description: { type: 'string', title: 'Description' },
    pipeline_defaults: {
      type: 'object',
      title: 'Node defaults',
      description: 'Applied to every node that leaves the property empty; lists are merged (the node wins on the same key).',
      properties: inheritableProperties
    },
    pipeline_parameters: {
      type: 'array',
      title: 'Pipeline parameters',
      description: 'Typed values set when the pipeline runs; nodes choose which ones they receive.',
      default: [],
      items: pipelineParameterSchema
    }
  }
};

/** rjsf uiSchema hints for the node form (kept apart from the schema on purpose). */
export const nodePropertiesUiSchema: Record<string, unknown> = {
  'ui:order': [
    'label',
    'filename',
    'runtime_image',
    'cpu',
    'cpu_limit',
    'memory',
    'memory_limit',
    'gpu',
    'gpu_vendor',
    'pipeline_parameters',
    'env_vars',
    'dependencies',
    'include_subdirectories',
    'outputs',
    'kubernetes_secrets',
    'mounted_volumes',
    'kubernetes_pod_labels',
    'kubernetes_pod_annotations',
    'kubernetes_tolerations',
    'node_selector',
    'kubernetes_shared_mem_size',
    'timeout',
    'retries',
    '*'
  ],
  label: { 'ui:placeholder': 'File name' },
  filename: { 'ui:placeholder': 'notebook.ipynb', 'ui:field': 'file' },
  runtime_image: { 'ui:placeholder': 'quay.io/jupyter/scipy-notebook:latest' },
  // Number-or-quantity fields: a text box; rjsf turns numeric text into numbers.
  cpu: { 'ui:widget': 'text', 'ui:placeholder': '1 or 500m' },
  cpu_limit: { 'ui:widget': 'text', 'ui:placeholder': '2' },
  memory: { 'ui:widget': 'text', 'ui:placeholder': '2 (GB) or 512Mi' },
  memory_limit: { 'ui:widget': 'text', 'ui:placeholder': '4' },
  gpu_vendor: { 'ui:placeholder': 'nvidia.com/gpu' },
  timeout: { 'ui:widget': 'text', 'ui:placeholder': '30m' },
  env_vars: {
    items: { env_var: { 'ui:placeholder': 'ENV_VAR' }, value: { 'ui:placeholder': 'value' } }
  },
  dependencies: { items: { 'ui:placeholder': '*.csv' } },
  outputs: { items: { 'ui:placeholder': 'data/output.csv' } },
  kubernetes_secrets: {
    items: {
      env_var: { 'ui:placeholder': 'ENV_VAR' },
      name: { 'ui:placeholder': 'secret-name' },
      key: { 'ui:placeholder': 'secret-key' }
    }
  },
  mounted_volumes: {
    items: {
      path: { 'ui:placeholder': '/mnt/data' },
      pvc_name: { 'ui:placeholder': 'pvc-name' },
      sub_path: { 'ui:placeholder': 'relative/path' }
    }
  },
  pipeline_parameters: { 'ui:field': 'pipelineParameters' }
};

export const pipelinePropertiesUiSchema: Record<string, unknown> = {
  'ui:order': ['name', 'description', 'pipeline_parameters', 'pipeline_defaults', '*'],
  description: { 'ui:widget': 'textarea' },
  pipeline_defaults: {
    runtime_image: { 'ui:placeholder': 'quay.io/jupyter/scipy-notebook:latest' },
    timeout: { 'ui:widget': 'text', 'ui:placeholder': '30m' }
  }
};
