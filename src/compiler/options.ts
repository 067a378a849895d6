/**
 * Compile options: defaults, and the checks Kubernetes/Tekton would otherwise make at
 * submission time (object names, label syntax, durations).
 */
import { optionProblem } from './diagnostics';
import { formatGoDuration, parseGoDuration } from './duration';
import { findTektonReference, isLabelValue, isObjectName, isQualifiedName } from './kube';
import type { IDiagnostic } from './model';
import { isDns1123Label } from './names';
import { MAX_OBJECT_BYTES } from './size';
import type { ITektonOptions } from './tekton';
import type { ICompileOptions } from './types';

export const DEFAULT_TRANSFER_IMAGE = 'minio/mc:latest';
export const DEFAULT_GPU_RESOURCE = 'nvidia.com/gpu';
export const DEFAULT_PIPELINE_TIMEOUT = '1h';
/** Used when no storage is configured, so an exported YAML is complete and says what to set. */
export const DEFAULT_STORAGE = {
  storageEndpoint: 'https://s3.amazonaws.com',
  bucket: 'jupyterlab-tekton',
  storageSecretName: 'jupyterlab-tekton-storage',
  storageRegion: ''
};

export interface IResolvedOptions {
  tekton: ITektonOptions;
  /** Pipeline timeout in nanoseconds; 0 = none. Node timeouts may not exceed it. */
  pipelineTimeoutNanos: bigint;
  gpuResourceName: string;
  defaultRuntimeImage?: string;
  pipelinePath: string;
  /** 0 = no size check. */
  maxObjectBytes: number;
  diagnostics: IDiagnostic[];
}

export function resolveOptions(options: ICompileOptions): IResolvedOptions {
  const diagnostics: IDiagnostic[] = [];
  const error = (option: string, problem: string) => diagnostics.push(optionProblem('error', 'invalid-option', option, problem));
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

  const namespace = text(options.namespace) || undefined;
  if (namespace && !isDns1123Label(namespace)) {
    error('namespace', `"${namespace}" is not a namespace name (lower-case letters, digits and "-", at most 63).`);
  }
  const runName = text(options.runName) || undefined;
  if (runName && !isDns1123Label(runName)) {
    // Tekton limits its object names to 63 characters (validate.ObjectMetadata).
    error('runName', `"${runName}" is not a valid PipelineRun name (lower-case letters, digits and "-", at most 63).`);
  }
  const serviceAccountName = text(options.serviceAccountName) || undefined;
  if (serviceAccountName && !isObjectName(serviceAccountName)) {
    error('serviceAccountName', `"${serviceAccountName}" is not a valid service account name.`);
  }
  const defaulted: string[] = [];
  const storage = (key: keyof typeof DEFAULT_STORAGE): string => {
    const value = text(options[key]);
    if (!value && key !== 'storageRegion') {
      defaulted.push(`${key} "${DEFAULT_STORAGE[key]}"`);
    }
    return value || DEFAULT_STORAGE[key];
  };
  const storageEndpoint = storage('storageEndpoint');
  if (!/^https?:\/\/[^\s/$.?#][^\s]*$/.test(storageEndpoint)) {
    error('storageEndpoint', `"${storageEndpoint}" is not an http(s) URL.`);
  }
  const bucket = storage('bucket');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    error('bucket', `"${bucket}" is not an S3 bucket name (3-63 lower-case letters, digits, "." and "-").`);
  }
  const storageSecretName = storage('storageSecretName');
  if (!isObjectName(storageSecretName)) {
    error('storageSecretName', `"${storageSecretName}" is not a Kubernetes Secret name.`);
  }
  const storageRegion = storage('storageRegion');
  if (defaulted.length) {
    diagnostics.push(
      optionProblem(
        'warning',
        'storage-defaults',
        'storage',
        `no object storage configured; using ${defaulted.join(', ')}. Set them for your cluster before applying.`
      )
    );
  }
  const transferImage = text(options.transferImage) || DEFAULT_TRANSFER_IMAGE;
  if (/\s/.test(transferImage)) {
    error('transferImage', `"${transferImage}" is not an image reference.`);
  }
  const gpuResourceName = text(options.gpuResourceName) || DEFAULT_GPU_RESOURCE;
  if (!isQualifiedName(gpuResourceName) || !gpuResourceName.includes('/')) {
    error('gpuResourceName', `"${gpuResourceName}" is not an extended resource name such as nvidia.com/gpu.`);
  }

  let pipelineTimeout = formatGoDuration(3600000000000n);
  let pipelineTimeoutNanos = 3600000000000n;
  const timeoutText = text(options.pipelineTimeout) || DEFAULT_PIPELINE_TIMEOUT;
  const parsed = parseGoDuration(timeoutText);
  if ('error' in parsed) {
    error('pipelineTimeout', parsed.error);
  } else if (parsed.nanos < 0n) {
    error('pipelineTimeout', `"${timeoutText}" is negative.`);
  } else {
    pipelineTimeoutNanos = parsed.nanos;
    pipelineTimeout = formatGoDuration(parsed.nanos);
  }

  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.labels ?? {})) {
    if (!isQualifiedName(key)) {
      error('labels', `"${key}" is not a label key.`);
    } else if (typeof value !== 'string' || !isLabelValue(value)) {
      error('labels', `the value of "${key}" is not a label value (at most 63 letters, digits, "-", "_", ".").`);
    } else {
      labels[key] = value;
    }
  }

  for (const [option, value] of [
    ['storageEndpoint', storageEndpoint],
    ['transferImage', transferImage]
  ]) {
    const reference = findTektonReference(value);
    if (reference) {
      error(option, `contains "${reference}", which Tekton would substitute.`);
    }
  }

  let maxObjectBytes = MAX_OBJECT_BYTES;
  if (options.maxObjectBytes !== undefined) {
    if (typeof options.maxObjectBytes === 'number' && Number.isSafeInteger(options.maxObjectBytes) && options.maxObjectBytes >= 0) {
      maxObjectBytes = options.maxObjectBytes;
    } else {
      error('maxObjectBytes', `${JSON.stringify(options.maxObjectBytes)} is not a number of bytes (0 turns the check off).`);
    }
  }

  const defaultRuntimeImage = text(options.defaultRuntimeImage) || undefined;
  return {
    tekton: {
      separateObjects: options.separateObjects === true,
      runName,
      namespace,
      storageEndpoint,
      bucket,
      storageSecretName,
      storageRegion,
      transferImage,
      serviceAccountName,
      pipelineTimeout,
      labels
    },
    pipelineTimeoutNanos,
    gpuResourceName,
    defaultRuntimeImage,
    pipelinePath: text(options.pipelinePath).replace(/^\/+/, ''),
    maxObjectBytes,
    diagnostics
  };
}
