/**
 * Compile options for a Tekton submission from a runtime configuration: what the pods
 * need (namespace, storage as the pods reach it, the Secret's name, images, service
 * account). Pure, so the mapping is tested without a DOM or a server.
 */
import type { ICompileOptions } from '../compiler/types';
import type { Tekton } from '../services';

/** Blank strings and null mean "not set": leave them to the compiler's defaults. */
function value(text: string | null | undefined): string | undefined {
  const trimmed = (text ?? '').trim();
  return trimmed ? trimmed : undefined;
}

export function compileOptionsFromConfig(
  config: Pick<
    Tekton.IRuntimeConfigFields,
    | 'namespace'
    | 'storage_endpoint'
    | 'bucket'
    | 'region'
    | 'storage_secret_name'
    | 'default_runtime_image'
    | 'transfer_image'
    | 'service_account'
  >,
  pipelinePath: string
): ICompileOptions {
  const options: ICompileOptions = { pipelinePath };
  const set = <K extends keyof ICompileOptions>(key: K, v: string | undefined) => {
    if (v !== undefined) {
      (options as Record<string, unknown>)[key] = v;
    }
  };
  set('namespace', value(config.namespace));
  // The pods' endpoint, never `storage_server_endpoint` (that one is for the server's uploads).
  set('storageEndpoint', value(config.storage_endpoint));
  set('bucket', value(config.bucket));
  set('storageRegion', value(config.region));
  set('storageSecretName', value(config.storage_secret_name));
  set('defaultRuntimeImage', value(config.default_runtime_image));
  set('transferImage', value(config.transfer_image));
  set('serviceAccountName', value(config.service_account));
  return options;
}
