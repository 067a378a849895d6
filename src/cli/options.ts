/**
 * The flags shared by validate / compile / export / run / submit, and their mapping to
 * compile options.
 */
import { flagValue, hasFlag, IFlagSpec, IParsedArgs, keyValueFlags } from './args';
import type { ICompileOptions } from '../compiler';

export const COMPILE_FLAGS: Record<string, IFlagSpec> = {
  param: { value: true, repeat: true },
  separate: {},
  namespace: { value: true },
  'storage-secret': { value: true },
  bucket: { value: true },
  endpoint: { value: true },
  region: { value: true },
  name: { value: true },
  'transfer-image': { value: true },
  'default-image': { value: true },
  'service-account': { value: true },
  'gpu-resource': { value: true },
  timeout: { value: true },
  label: { value: true, repeat: true },
  root: { value: true },
  'skip-file-check': {},
  json: {},
  help: { aliases: ['-h'] }
};

export const COMPILE_FLAGS_HELP = `Compile options:
  --param NAME=VALUE     value of a pipeline parameter (repeatable)
  --separate             Task + Pipeline + PipelineRun objects instead of one PipelineRun
  --name NAME            metadata.name of the PipelineRun (default: generateName <pipeline>-)
  --namespace NS         namespace of the objects
  --endpoint URL         object storage endpoint as the pods reach it
  --bucket BUCKET        object storage bucket
  --region REGION        object storage region
  --storage-secret NAME  Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
  --transfer-image IMG   image of the fetch/save steps (default minio/mc:latest)
  --default-image IMG    runtime image for nodes without one
  --service-account SA   service account of the task pods
  --gpu-resource NAME    GPU resource name (default nvidia.com/gpu)
  --timeout DURATION     PipelineRun timeout, a Go duration (default 1h)
  --label KEY=VALUE      extra label on the PipelineRun (repeatable)
  --root DIR             directory node paths may not leave (default: the current
                         directory if it holds FILE, else FILE's directory)
  --skip-file-check      do not check that node files and dependencies exist
  --json                 machine-readable output on stdout`;

export function compileOptions(args: IParsedArgs): ICompileOptions {
  const options: ICompileOptions = {};
  const set = <K extends keyof ICompileOptions>(key: K, flag: string) => {
    const value = flagValue(args, flag);
    if (value !== undefined) {
      options[key] = value as ICompileOptions[K];
    }
  };
  set('runName', 'name');
  set('namespace', 'namespace');
  set('storageSecretName', 'storage-secret');
  set('bucket', 'bucket');
  set('storageEndpoint', 'endpoint');
  set('storageRegion', 'region');
  set('transferImage', 'transfer-image');
  set('defaultRuntimeImage', 'default-image');
  set('serviceAccountName', 'service-account');
  set('gpuResourceName', 'gpu-resource');
  set('pipelineTimeout', 'timeout');
  if (hasFlag(args, 'separate')) {
    options.separateObjects = true;
  }
  const parameters = keyValueFlags(args, 'param');
  if (Object.keys(parameters).length) {
    options.parameters = parameters;
  }
  const labels = keyValueFlags(args, 'label');
  if (Object.keys(labels).length) {
    options.labels = labels;
  }
  return options;
}
