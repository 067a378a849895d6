/**
 * The one place that talks HTTP to the server extension: every TektonService call goes
 * through `requestAPI()`, so authentication (token, XSRF), URLs and error handling are
 * the same for all endpoints.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { Tekton } from './tekton';

/** URL namespace of the server extension's handlers. */
export const API_NAMESPACE = 'tekton';

/** `reason` of the error raised when the server extension does not answer at all. */
export const EXTENSION_MISSING = 'extension_not_installed';

/**
 * A non-OK reply of a Tekton handler, with the server's `{message, reason, details}`:
 * `nodeId` and `property` locate the problem in the pipeline when it has a place.
 */
export class TektonResponseError extends ServerConnection.ResponseError {
  constructor(response: Response, body: Tekton.IErrorBody) {
    super(response, body.message);
    this.name = 'TektonResponseError';
    this.reason = body.reason ?? null;
    this.details = body.details ?? {};
  }

  /** Machine-readable kind, e.g. 'path_outside_root', 'run_not_found', 'invalid_json'. */
  readonly reason: string | null;
  readonly details: Tekton.IErrorDetails;

  get nodeId(): string | null {
    return this.details.nodeId ?? null;
  }

  get property(): string | null {
    return this.details.property ?? null;
  }
}

/**
 * Call `<baseUrl>/tekton/<endPoint>` and return the parsed JSON reply (undefined for
 * 204). A failed fetch throws `ServerConnection.NetworkError`; a non-OK reply throws
 * `TektonResponseError` — with reason `extension_not_installed` when the route does not
 * exist at all (a 404 that is not ours: the Python package is missing or disabled).
 */
export async function requestAPI<T>(
  endPoint: string,
  init: RequestInit = {},
  serverSettings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(serverSettings.baseUrl, API_NAMESPACE, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, serverSettings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  const data = Private.parse(text);
  if (!response.ok) {
    throw new TektonResponseError(response, Private.errorBody(response, data, text));
  }
  return (response.status === 204 || text.length === 0 ? undefined : data) as T;
}

/** `?a=1&b=x` from the defined values of `query` ('' when there are none). */
export function queryString(query: { [key: string]: string | number | boolean | null | undefined }): string {
  const defined: { [key: string]: string } = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) {
      defined[key] = String(value);
    }
  }
  return Object.keys(defined).length ? URLExt.objectToQueryString(defined) : '';
}

namespace Private {
  export function parse(text: string): unknown {
    if (!text) {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  function isErrorBody(data: unknown): data is Tekton.IErrorBody {
    return typeof data === 'object' && data !== null && typeof (data as Tekton.IErrorBody).message === 'string';
  }

  export function errorBody(response: Response, data: unknown, text: string): Tekton.IErrorBody {
    // Our handlers always answer JSON with a `reason` key; a 404 without one means the
    // route itself is unknown to the server.
    if (response.status === 404 && !(isErrorBody(data) && 'reason' in data)) {
      return {
        message:
          'The jupyterlab_tekton server extension is not installed or not enabled on this Jupyter ' +
          'server. Install it with `pip install jupyterlab-tekton` (or check ' +
          '`jupyter server extension list`) and restart JupyterLab.',
        reason: EXTENSION_MISSING
      };
    }
    if (isErrorBody(data)) {
      return { message: data.message, reason: data.reason ?? null, details: data.details };
    }
    return {
      message: `${response.status} ${response.statusText || 'error'}${text ? `: ${text.slice(0, 200)}` : ''}`,
      reason: null
    };
  }
}
